export { ConfigError, env, loadConfig } from './config.js';
export { HealthController, HealthModule, READINESS_CHECKS, type ReadinessCheck } from './health.js';
export { INVALIDATION_CHANNEL, type Invalidation, type Publisher, publishInvalidation } from './invalidation.js';
export { type ListenOptions, listenWithGracefulShutdown } from './lifecycle.js';
export { createLogger, type Logger, REDACTED_PATHS } from './logger.js';
export {
  issueSessionToken,
  MAX_SESSION_TOKEN_TTL_SECONDS,
  SESSION_TOKEN_PREFIX,
  type SessionClaims,
  type SessionTokenResult,
  verifySessionToken,
} from './session-token.js';
