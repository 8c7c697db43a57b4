import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';

export interface ListenOptions {
  port: number;
  host: string;
  logger: Logger;
  /** How long in-flight requests may take to finish after a stop signal. */
  drainMs?: number;
}

/**
 * Listens, and on SIGTERM/SIGINT stops accepting connections, lets in-flight requests finish (up to
 * `drainMs`), runs the app's shutdown hooks and exits. A second signal exits at once.
 */
export async function listenWithGracefulShutdown(app: INestApplication, options: ListenOptions): Promise<string> {
  await app.listen(options.port, options.host);
  const url = await app.getUrl();
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.logger.warn({ signal }, 'second stop signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    options.logger.info({ signal }, 'stopping: draining in-flight requests');
    const deadline = setTimeout(() => {
      options.logger.warn('drain deadline passed: exiting with requests still open');
      process.exit(1);
    }, options.drainMs ?? 10_000);
    deadline.unref();
    app.close().then(
      () => {
        options.logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        options.logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return url.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
}
