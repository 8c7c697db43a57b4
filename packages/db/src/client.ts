import { PrismaPg } from '@prisma/adapter-pg';
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

/** The one way to make a Prisma client: through the pg driver adapter, no native engine. */
export function createDb(url: string, options: CreateDbOptions = {}): Db {
  const adapter = new PrismaPg({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
  });
  return new PrismaClient({ adapter, log: options.logQueries ? ['query'] : [] });
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
