import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReadinessCheck } from '@synthwell/server';

/** A check that has not answered by then counts as failed, so a probe never hangs on a dead dependency. */
const CHECK_TIMEOUT_MS = 2_000;

export interface WorkerHealthOptions {
  /** 0 listens on any free port (tests); the worker process turns the server off instead. */
  port: number;
  host: string;
  /** The checks behind /readyz, read at each probe: a worker's own checks exist only once it has started. */
  checks: () => ReadinessCheck[];
}

export interface WorkerHealthServer {
  /** http://host:port */
  url: string;
  close(): Promise<void>;
}

async function passes({ check }: ReadinessCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(text);
}

/**
 * The synthetic-data worker's probe endpoints, on plain node:http since the worker runs no web
 * framework: `/healthz` answers 200 while the process runs, `/readyz` 200 when every check passes and
 * 503 naming the failing ones otherwise — the same bodies as the gateway's.
 */
export async function startWorkerHealthServer(options: WorkerHealthOptions): Promise<WorkerHealthServer> {
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, { status: 'method_not_allowed' }, { allow: 'GET, HEAD' });
      return;
    }
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      send(response, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      const checks = options.checks();
      const results = await Promise.all(checks.map(async (check) => [check.name, await passes(check)] as const));
      const ready = results.every(([, ok]) => ok);
      send(response, ready ? 200 : 503, {
        status: ready ? 'ready' : 'unavailable',
        checks: Object.fromEntries(results),
      });
      return;
    }
    send(response, 404, { status: 'not_found' });
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, { status: 'error' });
      else response.destroy();
    });
  });
  // Probes are tiny: a client that takes longer than this is not a probe.
  server.headersTimeout = 5_000;
  server.requestTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
