import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../client.js';
import { startEmbeddedPostgres } from '../embedded/server.js';
import { migrateDeploy, readMigrations } from '../migrate/index.js';
import { seedCatalog } from '../seed/index.js';

export * from '../seed/factories.js';

export interface TestDatabase {
  url: string;
  db: Db;
  /** "postgres" when a real server backs it (DATABASE_URL), "pglite" for the embedded one. */
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/**
 * A fresh database with every migration applied and the catalog (plans, models) seeded.
 * With `serverUrl` (default: DATABASE_URL) it is a new database on that server, cloned from a
 * template that is migrated once per migration set; without, an in-memory PGlite served on a free port.
 */
export async function createTestDatabase(serverUrl = process.env.DATABASE_URL): Promise<TestDatabase> {
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ port: 0 });
    await migrateDeploy(embedded.url);
    const db = createDb(embedded.url, { poolSize: 5 });
    await seedCatalog(db);
    return {
      url: embedded.url,
      db,
      kind: 'pglite',
      async close() {
        await db.$disconnect();
        await embedded.stop();
      },
    };
  }

  const template = await ensureTemplate(serverUrl);
  const name = `sw_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(serverUrl, (client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const url = withDatabase(serverUrl, name);
  const db = createDb(url, { poolSize: 5 });
  return {
    url,
    db,
    kind: 'postgres',
    async close() {
      await db.$disconnect();
      await withAdmin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function withAdmin<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** One template per distinct set of migrations, built under an advisory lock so parallel test files agree. */
async function ensureTemplate(serverUrl: string): Promise<string> {
  const migrations = await readMigrations();
  const digest = createHash('sha256');
  for (const dir of migrations.migrationDirectories) {
    digest.update(dir.path);
    if (dir.migrationFile.content.tag === 'ok') digest.update(dir.migrationFile.content.value);
  }
  const name = `sw_template_${digest.digest('hex').slice(0, 16)}`;
  await withAdmin(serverUrl, async (client) => {
    await client.query('SELECT pg_advisory_lock(7243001)');
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount) return;
      const building = `${name}_build`;
      await client.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${building}"`);
      const url = withDatabase(serverUrl, building);
      await migrateDeploy(url);
      const db = createDb(url, { poolSize: 2 });
      try {
        await seedCatalog(db);
      } finally {
        await db.$disconnect();
      }
      await client.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
    } finally {
      await client.query('SELECT pg_advisory_unlock(7243001)');
    }
  });
  return name;
}
