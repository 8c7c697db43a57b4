import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/client.js';
import { diffDatabaseToSchema, migrateDeploy, readMigrations } from '../src/migrate/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

describe('migrations', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('are committed, in order, with a lockfile for PostgreSQL', async () => {
    const list = await readMigrations();
    expect(list.migrationDirectories.length).toBeGreaterThan(0);
    const names = list.migrationDirectories.map((dir) => dir.path);
    expect(names).toEqual([...names].sort());
    expect(list.lockfile.content).toContain('provider = "postgresql"');
  });

  it(`applied to an empty database, match schema.prisma exactly`, async () => {
    expect(await diffDatabaseToSchema(database.url)).toBe('');
  });

  it('deploy is idempotent: a second run applies nothing and keeps the data', async () => {
    const before = await database.db.plan.count();
    expect(before).toBeGreaterThan(0);
    expect(await migrateDeploy(database.url)).toEqual([]);
    expect(await database.db.plan.count()).toBe(before);
  });

  it('a database that lacks a table is reported as drift', async () => {
    const db = createDb(database.url, { poolSize: 1 });
    try {
      await db.$executeRawUnsafe('ALTER TABLE "audit_log" RENAME TO "audit_log_renamed"');
      const sql = await diffDatabaseToSchema(database.url);
      expect(sql).toContain('CREATE TABLE "audit_log"');
      await db.$executeRawUnsafe('ALTER TABLE "audit_log_renamed" RENAME TO "audit_log"');
      expect(await diffDatabaseToSchema(database.url)).toBe('');
    } finally {
      await db.$disconnect();
    }
  });
});
