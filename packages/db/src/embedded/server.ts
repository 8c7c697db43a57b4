import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { WireServer } from './wire-server.js';

export const EMBEDDED_PORT = 54329;

export interface EmbeddedPostgresOptions {
  /** Where PGlite keeps its files; omit for a throw-away in-memory database. */
  dataDir?: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
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
  const server = new WireServer(db);
  let port: number;
  try {
    port = await server.listen(options.port ?? EMBEDDED_PORT, host);
  } catch (error) {
    await db.close();
    throw error;
  }
  let stopped = false;
  return {
    url: `postgresql://postgres@${host}:${port}/postgres?sslmode=disable`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      await db.close();
    },
  };
}
