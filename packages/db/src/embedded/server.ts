import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export const EMBEDDED_PORT = 54329;

export interface EmbeddedPostgresOptions {
  /** Where PGlite keeps its files; omit for a throw-away in-memory database. */
  dataDir?: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** PGlite has one backend; the socket server queues connections' queries onto it. */
  maxConnections?: number;
}

export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * PGlite (PostgreSQL compiled to WebAssembly) served over the PostgreSQL wire protocol, so every
 * process — gateway, billing, tests — uses the same driver adapter as against a real server.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const db = options.dataDir ? await PGlite.create(options.dataDir) : await PGlite.create();
  const server = new PGLiteSocketServer({
    db,
    host,
    port: options.port ?? EMBEDDED_PORT,
    maxConnections: options.maxConnections ?? 100,
  });
  await server.start();
  const port = boundPort(server) ?? options.port ?? EMBEDDED_PORT;
  let stopped = false;
  return {
    url: `postgresql://postgres@${host}:${port}/postgres?sslmode=disable`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
    },
  };
}

/** The socket server does not expose the port it bound when asked for port 0. */
function boundPort(server: PGLiteSocketServer): number | undefined {
  const inner = (server as unknown as { server?: { address(): AddressInfo | string | null } }).server;
  const address = inner?.address();
  return address && typeof address === 'object' ? address.port : undefined;
}
