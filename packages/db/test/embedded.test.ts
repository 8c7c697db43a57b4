import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/client.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../src/embedded/server.js';
import { migrateDeploy } from '../src/migrate/index.js';
import { createAccount } from '../src/seed/factories.js';
import { seedCatalog } from '../src/seed/index.js';

/** The embedded default is tested as such, whatever DATABASE_URL says. */
describe('embedded PostgreSQL (PGlite over the wire protocol)', () => {
  let server: EmbeddedPostgres;

  beforeAll(async () => {
    server = await startEmbeddedPostgres({ port: 0 });
    await migrateDeploy(server.url);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('serves several clients at once, keeping each transaction whole', async () => {
    const first = createDb(server.url, { poolSize: 5 });
    const second = createDb(server.url, { poolSize: 5 });
    try {
      await seedCatalog(first);
      const { user } = await createAccount(first);
      // 100 concurrent increments from two pools, each in its own interactive transaction.
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? first : second).$transaction(async (tx) => {
            const row = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: { name: true } });
            const next = String(Number(row.name ?? '0') + 1);
            await tx.user.update({ where: { id: user.id }, data: { name: next } });
          }),
        ),
      );
      const after = await second.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(after.name).toBe('100');
    } finally {
      await Promise.all([first.$disconnect(), second.$disconnect()]);
    }
  });

  it('keeps data on disk across restarts', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'synthwell-pgdata-'));
    try {
      const one = await startEmbeddedPostgres({ dataDir: dir, port: 0 });
      expect(await migrateDeploy(one.url)).not.toEqual([]);
      const db = createDb(one.url, { poolSize: 1 });
      await seedCatalog(db);
      await db.$disconnect();
      await one.stop();

      const two = await startEmbeddedPostgres({ dataDir: dir, port: 0 });
      expect(await migrateDeploy(two.url)).toEqual([]);
      const again = createDb(two.url, { poolSize: 1 });
      expect(await again.plan.count()).toBe(2);
      await again.$disconnect();
      await two.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('embedded PostgreSQL under concurrent extended-protocol queries', () => {
  it("keeps each connection's Parse/Bind/Execute together: 300 parameterised queries from 3 pools", async () => {
    const server = await startEmbeddedPostgres({ port: 0 });
    const pools = [0, 1, 2].map(() => createDb(server.url, { poolSize: 8 }));
    try {
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, i) => {
          const db = pools[i % 3] as ReturnType<typeof createDb>;
          // Different parameter counts make any interleaving fail loudly.
          return i % 2
            ? db
                .$queryRawUnsafe<{ v: number }[]>('SELECT $1::int + $2::int AS v', i, 1)
                .then((rows) => rows[0]?.v === i + 1)
            : db.$queryRawUnsafe<{ v: number }[]>('SELECT $1::int AS v', i).then((rows) => rows[0]?.v === i);
        }),
      );
      expect(results.every(Boolean)).toBe(true);
    } finally {
      await Promise.all(pools.map((db) => db.$disconnect()));
      await server.stop();
    }
  });
});
