import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MigrationList } from '@prisma/schema-engine-wasm';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const prismaDir = join(packageRoot, 'prisma');
export const schemaPath = join(prismaDir, 'schema.prisma');
export const migrationsDir = join(prismaDir, 'migrations');
export const LOCKFILE = 'migration_lock.toml';
export const LOCKFILE_CONTENT = '# Written by Synthwell\'s migration tool; do not edit.\nprovider = "postgresql"\n';

export async function readSchema(): Promise<{ path: string; content: string }> {
  return { path: schemaPath, content: await readFile(schemaPath, 'utf8') };
}

/** The committed migrations, in name (= time) order, as the schema engine expects them. */
export async function readMigrations(dir = migrationsDir): Promise<MigrationList> {
  const names = existsSync(dir)
    ? (await readdir(dir, { withFileTypes: true }))
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: await readFile(join(dir, name, 'migration.sql'), 'utf8') },
      },
    })),
  );
  return {
    baseDir: dir,
    lockfile: { path: LOCKFILE, content: LOCKFILE_CONTENT },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}
