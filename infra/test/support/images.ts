import type { ServiceName } from './service-config.js';

/** How each deployable is built: which Dockerfile and target, which workspace, what it serves. */
export interface ImageSpec {
  dockerfile: string;
  target: string;
  workspace: string;
  /** The source of the file the image runs; null for the migration job's CLI. */
  entrySource: string;
  /** The HTTP port it serves /healthz and /readyz on; null for processes without one. */
  port: number | null;
  /** Whether clients reach that port (Compose publishes it); false for a probe-only port. Default true. */
  published?: boolean;
}

export const IMAGES: Record<ServiceName, ImageSpec> = {
  gateway: {
    dockerfile: 'gateway.Dockerfile',
    target: 'gateway',
    workspace: '@synthwell/gateway',
    entrySource: 'apps/gateway/src/main.ts',
    port: 4000,
  },
  worker: {
    dockerfile: 'gateway.Dockerfile',
    target: 'worker',
    workspace: '@synthwell/gateway',
    entrySource: 'apps/gateway/src/synthetic/worker.main.ts',
    port: 8081,
    published: false,
  },
  billing: {
    dockerfile: 'billing.Dockerfile',
    target: 'billing',
    workspace: '@synthwell/billing',
    entrySource: 'apps/billing/src/main.ts',
    port: 4100,
  },
  web: {
    dockerfile: 'web.Dockerfile',
    target: 'web',
    workspace: '@synthwell/web',
    entrySource: 'infra/src/web-server.ts',
    port: 3000,
  },
  migrate: {
    dockerfile: 'migrate.Dockerfile',
    target: 'migrate',
    workspace: '@synthwell/db',
    entrySource: 'packages/db/src/cli.ts',
    port: null,
  },
};
