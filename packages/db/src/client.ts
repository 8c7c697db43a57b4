import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { copyFrom } from './copy-from.js';
import { type Prisma, PrismaClient } from './generated/prisma/client.js';

export type Db = PrismaClient;
/** What `db.$transaction(async (tx) => …)` hands its callback. */
export type Tx = Prisma.TransactionClient;

export interface CreateDbOptions {
  /** Connections in this process's pool. */
  poolSize?: number;
  /** Emits Prisma's query events; leave off in production. */
  logQueries?: boolean;
}

/** A plain SQL statement runner: the connection pool under a Prisma client. */
export interface Sql {
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: Row[]; rowCount: number | null }>;
  /**
   * Runs `work` in a transaction on one connection of the pool: committed when `work` resolves,
   * rolled back when it throws (and the connection closed if even the rollback fails).
   */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;
}

/** The statements of one transaction. */
export interface SqlTransaction {
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: Row[]; rowCount: number | null }>;
  /**
   * `COPY … FROM STDIN` with `data`, in COPY's text format, as the whole input; resolves with the
   * number of rows copied. PostgreSQL servers only: the embedded database (PGlite) has no COPY
   * FROM STDIN.
   */
  copyFrom(text: string, data: Buffer): Promise<number>;
}

const pools = new WeakMap<Db, pg.Pool>();
const runners = new WeakMap<Db, Sql>();

/** The one way to make a Prisma client: through the pg driver adapter, no native engine. */
export function createDb(url: string, options: CreateDbOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
  });
  // A pool error on an idle connection (the server restarted) must not crash the process; the pool
  // replaces the connection on the next query. Prisma adds its own listener once it connects.
  pool.on('error', () => undefined);
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const db = new PrismaClient({ adapter, log: options.logQueries ? ['query'] : [] });
  pools.set(db, pool);
  return db;
}

/**
 * The same connections as `db`, without Prisma: for the few bulk statements on hot paths where
 * Prisma's own work per statement is the cost (a batch of a thousand usage records costs about three
 * times the CPU through `$executeRaw` as through the driver, docs/benchmarks.md). Closed with `db`.
 */
export function sqlOf(db: Db): Sql {
  let sql = runners.get(db);
  if (sql) return sql;
  const pool = pools.get(db);
  if (!pool) throw new Error('sqlOf: this client was not made by createDb');
  sql = {
    query: (text, values) => pool.query(text, values) as never,
    transaction: (work) => transaction(pool, work),
  };
  runners.set(db, sql);
  return sql;
}

async function transaction<T>(pool: pg.Pool, work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work({
      query: (text, values) => client.query(text, values) as never,
      copyFrom: (text, data) => copyFrom(client, text, data),
    });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    // A connection that could not even roll back is closed rather than lent out again.
    client.release(broken);
  }
}

/** True when the database answers a trivial query within `timeoutMs`. */
export async function pingDb(db: Db, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([db.$queryRaw`SELECT 1`.then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
