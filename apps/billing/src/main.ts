import { ConfigError, createLogger, listenWithGracefulShutdown } from '@synthwell/server';
import { createBilling } from './bootstrap.js';
import { loadBillingConfig } from './config/env.js';

/** The validated configuration, or exit 78 (EX_CONFIG) with a message naming each bad variable. */
function readConfig(): ReturnType<typeof loadBillingConfig> {
  try {
    return loadBillingConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`billing: ${error.message}`);
      process.exit(78);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger({ name: 'billing', level: config.LOG_LEVEL });
  const { app } = await createBilling(config, { logger });
  const url = await listenWithGracefulShutdown(app, { port: config.BILLING_PORT, host: config.BILLING_HOST, logger });
  logger.info({ url }, 'billing listening');
}

main().catch((error: unknown) => {
  console.error('billing: failed to start:', error);
  process.exit(1);
});
