import { ConfigError, env, loadConfig } from '@synthwell/server';
import { z } from 'zod';

/** Every variable the gateway reads. docs/operations.md lists them with the same defaults. */
export const GatewayEnv = z.object({
  GATEWAY_PORT: env.port(4000),
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  /** Base of links the gateway hands out (signed image URLs). Defaults to http://localhost:GATEWAY_PORT. */
  GATEWAY_PUBLIC_URL: env.url(['http', 'https']).optional(),
  DATABASE_URL: env.url(['postgres', 'postgresql']),
  REDIS_URL: env.url(['redis', 'rediss']).optional(),
  LOG_LEVEL: env.logLevel(),
  /** Verifies web users' session tokens; comma-separated so the secret can rotate (first signs, all verify). */
  SESSION_TOKEN_SECRETS: env.secretList(),
  /** Signs image links. */
  IMAGE_URL_SECRET: env.secret(32),
  IMAGE_URL_TTL_SECONDS: env.positiveInt(3600),
  IMAGE_STORAGE_DIR: z.string().default('.synthwell/images'),
  /** `local` (IMAGE_STORAGE_DIR) or `s3` (any S3-compatible store; the S3_* variables are then required). */
  IMAGE_STORE: z.enum(['local', 's3']).default('local'),
  S3_ENDPOINT: env.url(['http', 'https']).optional(),
  S3_BUCKET: z.string().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  MODEL_CACHE_DIR: z.string().default('.synthwell/models'),
  /** Serve the built-in offline models (the embedded default). */
  LOCAL_MODELS: env.boolean(true),
  /** Train the offline chat models on only this many corpus files (fast tests); all when unset. */
  LOCAL_TRAINING_FILES: z.coerce.number().int().positive().optional(),
  BODY_LIMIT_BYTES: env.positiveInt(4 * 1024 * 1024),
  /** The whole request, body included, must arrive within this (408 after); streamed responses are not cut. */
  REQUEST_TIMEOUT_MS: env.positiveInt(30_000),
  /** The request's headers must arrive within this (at most REQUEST_TIMEOUT_MS); slow-loris clients get 408. */
  HEADERS_TIMEOUT_MS: env.positiveInt(10_000),
  UPSTREAM_CONNECT_TIMEOUT_MS: env.positiveInt(5_000),
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS: env.positiveInt(60_000),
  UPSTREAM_TOTAL_TIMEOUT_MS: env.positiveInt(600_000),
  /** Retries per route on 429/5xx/connection errors before falling back to the next route. */
  UPSTREAM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** How long a verified API key (or its absence) is trusted; revocation takes effect within this. */
  AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).max(5_000).default(5_000),
  CATALOG_REFRESH_MS: env.positiveInt(5_000),
  SSE_KEEPALIVE_MS: env.positiveInt(15_000),
  METERING_FLUSH_MS: env.positiveInt(1_000),
  /** Where each replica journals usage records until they are committed (see docs/operations.md). */
  USAGE_JOURNAL_DIR: z.string().default('.synthwell/journal'),
  /** Synthetic-data jobs this process runs at once; 0 (with REDIS_URL) leaves them to `worker.main.js` processes. */
  SYNTHETIC_WORKERS: z.coerce.number().int().min(0).max(64).default(2),
  /** The BullMQ queue synthetic-data jobs wait in when REDIS_URL is set; every replica and worker must agree. */
  SYNTHETIC_QUEUE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
    .default('synthetic-jobs'),
  /** How long a BullMQ worker that stopped answering keeps its job before another worker resumes it. */
  SYNTHETIC_LOCK_MS: env.positiveInt(30_000),
  /** Where a `worker.main.js` process answers /healthz and /readyz (on GATEWAY_HOST); 0 turns it off. */
  SYNTHETIC_WORKER_HEALTH_PORT: env.port(8081),
  /** Names this replica's journal; defaults to the port. Must be unique per replica sharing a journal dir. */
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
    .optional(),
  /** A JSON file of per-plan content policies ({ "default": {...}, "free": {...} }); built-in policy when unset. */
  SAFETY_POLICY_FILE: z.string().optional(),
  /** How often each replica re-reads admins' content policies: the staleness bound when Redis is absent or missed a message. */
  SAFETY_POLICY_RELOAD_MS: env.positiveInt(5_000),
  /** Flagged decisions older than this many days are deleted hourly; 0 keeps them forever. */
  SAFETY_FLAG_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(90),
  /** Provenance signing keys, `kid:base64 PKCS8 Ed25519` comma-separated: the first signs, all verify. */
  PROVENANCE_SIGNING_KEYS: z.string().optional(),
  /** Where the embedded default keeps the signing key it generates when PROVENANCE_SIGNING_KEYS is unset. */
  PROVENANCE_KEY_DIR: z.string().default('.synthwell/keys'),
  /** An OpenAI-compatible moderation API (its /v1 root) asked about every prompt, image prompt and seed, besides the built-in classifiers. */
  MODERATION_UPSTREAM_URL: env.url(['http', 'https']).optional(),
  MODERATION_UPSTREAM_API_KEY: z.string().optional(),
  /** The `model` sent upstream (e.g. omni-moderation-latest); left out when unset. */
  MODERATION_UPSTREAM_MODEL: z.string().optional(),
  /** How long a check waits for the upstream before it goes on without it (or refuses, when failing closed). */
  MODERATION_UPSTREAM_TIMEOUT_MS: env.positiveInt(2_000),
  /** true: a failed upstream check refuses the request (503) instead of falling back to the built-in classifiers. */
  MODERATION_UPSTREAM_FAIL_CLOSED: env.boolean(false),
});

export type GatewayEnv = z.infer<typeof GatewayEnv>;

/** Variables that are required only together with another setting. */
function checkDependentVariables(env: GatewayEnv): void {
  if (env.IMAGE_STORE !== 's3') return;
  const missing = (['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter(
    (name) => !env[name],
  );
  if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name} is required when IMAGE_STORE=s3`));
}

export interface GatewayConfig extends GatewayEnv {
  publicUrl: string;
  /** The variables left for provider configuration (SYNTHWELL_PROVIDER_*, ANTHROPIC_*). */
  rawEnv: Record<string, string | undefined>;
}

export function loadGatewayConfig(source: Record<string, string | undefined>): GatewayConfig {
  const parsed = loadConfig(GatewayEnv, source);
  checkDependentVariables(parsed);
  return {
    ...parsed,
    publicUrl: (parsed.GATEWAY_PUBLIC_URL ?? `http://localhost:${parsed.GATEWAY_PORT}`).replace(/\/$/, ''),
    rawEnv: source,
  };
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
