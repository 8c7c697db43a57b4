import { ConfigError, createLogger, listenWithGracefulShutdown } from '@synthwell/server';
import { createGateway } from './bootstrap.js';
import { loadGatewayConfig } from './config/env.js';

/** The validated configuration, or exit 78 (EX_CONFIG) with a message naming each bad variable. */
function readConfig(): ReturnType<typeof loadGatewayConfig> {
  try {
    return loadGatewayConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`gateway: ${error.message}`);
      process.exit(78);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger({ name: 'gateway', level: config.LOG_LEVEL });
  const gateway = await createGateway(config, { logger });
  const url = await listenWithGracefulShutdown(gateway.app, {
    port: config.GATEWAY_PORT,
    host: config.GATEWAY_HOST,
    logger,
  });
  logger.info({ url }, 'gateway listening');
}

main().catch((error: unknown) => {
  console.error('gateway: failed to start:', error);
  process.exit(1);
});
