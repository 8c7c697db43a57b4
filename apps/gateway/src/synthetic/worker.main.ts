import { ConfigError, createLogger } from '@synthwell/server';
import { type GatewayConfig, loadGatewayConfig } from '../config/env.js';
import { createSyntheticWorker } from './worker.js';

/**
 * `node dist/synthetic/worker.main.js`: a synthetic-data worker process. It reads the gateway's
 * environment (REDIS_URL is required) and runs jobs from the BullMQ queue until SIGTERM or SIGINT,
 * when it hands its running jobs back to the queue. A worker killed outright loses its lock and
 * another worker resumes its jobs after SYNTHETIC_LOCK_MS.
 */
function readConfig(): GatewayConfig {
  try {
    return loadGatewayConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`synthetic worker: ${error.message}`);
      process.exit(78);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger({ name: 'synthetic-worker', level: config.LOG_LEVEL });
  const worker = await createSyntheticWorker(config, { logger }).catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`synthetic worker: ${error.message}`);
      process.exit(78);
    }
    throw error;
  });
  logger.info({ queue: config.SYNTHETIC_QUEUE, concurrency: config.SYNTHETIC_WORKERS }, 'synthetic worker running');
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping: handing running jobs back to the queue');
    worker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error('synthetic worker: failed to start:', error);
  process.exit(1);
});
