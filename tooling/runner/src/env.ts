import { env, loadConfig } from '@synthwell/server';
import { z } from 'zod';

/** What `npm start` reads; everything else is passed through to the services. */
export const RunnerEnv = z.object({
  DATABASE_URL: env.url(['postgres', 'postgresql']).optional(),
  GATEWAY_PORT: env.port(4000),
  BILLING_PORT: env.port(4100),
  WEB_PORT: env.port(3000),
  /** Where embedded data, secrets and dev credentials live. */
  SYNTHWELL_HOME: z.string().optional(),
  LOG_LEVEL: env.logLevel(),
  READY_TIMEOUT_MS: env.positiveInt(120_000),
  /** The embedded PostgreSQL's port when DATABASE_URL is unset. */
  EMBEDDED_PG_PORT: env.port(54329),
});
export type RunnerEnv = z.infer<typeof RunnerEnv>;

export function loadRunnerEnv(source: Record<string, string | undefined>): RunnerEnv {
  return loadConfig(RunnerEnv, source);
}
