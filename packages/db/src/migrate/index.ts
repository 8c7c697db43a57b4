import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../embedded/server.js';
import { openSchemaEngine } from './engine.js';
import { migrationsDir, readMigrations, readSchema } from './migrations.js';

export { migrationsDir, readMigrations, readSchema, schemaPath } from './migrations.js';

const NO_FILTERS = { externalTables: [], externalEnums: [] };
const EMPTY_DIFF = /^\s*(-- This is an empty migration\.)?\s*$/;

async function withEngine<T>(
  url: string,
  run: (engine: Awaited<ReturnType<typeof openSchemaEngine>>['engine']) => Promise<T>,
): Promise<T> {
  const handle = await openSchemaEngine(url, await readSchema());
  try {
    return await run(handle.engine);
  } finally {
    await handle.close();
  }
}

/**
 * Applies every committed migration not yet recorded in `_prisma_migrations`. Idempotent: a second
 * run applies nothing, so it is safe at every start.
 */
export async function migrateDeploy(url: string): Promise<string[]> {
  const migrationsList = await readMigrations();
  return withEngine(url, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return appliedMigrationNames;
  });
}

/**
 * The SQL that would take the database at `url` to `schema.prisma`; empty when they agree.
 * Run against a database that has all migrations applied, it tells whether the migrations and the
 * schema disagree, with no shadow database.
 */
export async function diffDatabaseToSchema(url: string): Promise<string> {
  const schema = await readSchema();
  return withEngine(url, async (engine) => {
    const { stdout } = await engine.diff({
      from: { tag: 'schemaDatasource', files: [schema], configDir: migrationsDir },
      to: { tag: 'schemaDatamodel', files: [schema] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    const sql = stdout ?? '';
    return EMPTY_DIFF.test(sql) ? '' : sql;
  });
}

/** Applies all migrations to a throw-away embedded database and diffs it against the schema. */
export async function pendingSchemaChanges(): Promise<string> {
  const scratch = await startEmbeddedPostgres({ port: 0 });
  try {
    await migrateDeploy(scratch.url);
    return await diffDatabaseToSchema(scratch.url);
  } finally {
    await scratch.stop();
  }
}

/** Writes `migrations/<UTC timestamp>_<name>/migration.sql` with what the schema adds; null when nothing changed. */
export async function createMigration(name: string, now = new Date()): Promise<string | null> {
  if (!/^[a-z0-9_]+$/.test(name)) {
    throw new Error(`Migration name "${name}" must be lower-case letters, digits and underscores.`);
  }
  const sql = await pendingSchemaChanges();
  if (!sql) return null;
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const dir = join(migrationsDir, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'migration.sql'), sql);
  await writeFile(join(migrationsDir, 'migration_lock.toml'), (await readMigrations()).lockfile.content ?? '');
  return dir;
}
