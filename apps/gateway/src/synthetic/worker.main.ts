import { ConfigError, createLogger, type ReadinessCheck } from '@synthwell/server';
import { type GatewayConfig, loadGatewayConfig } from '../config/env.js';
import { createSyntheticWorker, type SyntheticWorker } from './worker.js';
import { startWorkerHealthServer, type WorkerHealthServer } from './worker-health.js';

/**
 * `node dist/synthetic/worker.main.js`: a synthetic-data worker process. It reads the gateway's
 * environment (REDIS_URL is required) and runs jobs from the BullMQ queue until SIGTERM or SIGINT,
 * when it hands its running jobs back to the queue. A worker killed outright loses its lock and
 * another worker resumes its jobs after SYNTHETIC_LOCK_MS. Probes: /healthz and /readyz on
 * SYNTHETIC_WORKER_HEALTH_PORT.
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

/** Until the worker has loaded its models and joined the queue, it is alive but not ready. */
const STARTING: ReadinessCheck[] = [{ name: 'started', check: async () => false }];

async function startHealth(config: GatewayConfig, checks: () => ReadinessCheck[]): Promise<WorkerHealthServer | null> {
  if (config.SYNTHETIC_WORKER_HEALTH_PORT === 0) return null;
  return startWorkerHealthServer({
    port: config.SYNTHETIC_WORKER_HEALTH_PORT,
    host: config.GATEWAY_HOST,
    checks,
  }).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`synthetic worker: SYNTHETIC_WORKER_HEALTH_PORT ${config.SYNTHETIC_WORKER_HEALTH_PORT}: ${reason}`);
    process.exit(1);
  });
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger({ name: 'synthetic-worker', level: config.LOG_LEVEL });
  let worker: SyntheticWorker | null = null;
  // Up before the worker starts, so liveness holds while the offline models load.
  const health = await startHealth(config, () => worker?.readiness ?? STARTING);
  worker = await createSyntheticWorker(config, { logger }).catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`synthetic worker: ${error.message}`);
      process.exit(78);
    }
    throw error;
  });
  logger.info(
    { queue: config.SYNTHETIC_QUEUE, concurrency: config.SYNTHETIC_WORKERS, health: health?.url ?? null },
    'synthetic worker running',
  );
  const running = worker;
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping: handing running jobs back to the queue');
    running
      .close()
      .then(() => health?.close())
      .then(
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
