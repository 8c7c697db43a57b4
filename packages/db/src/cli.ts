#!/usr/bin/env node
import { createDb } from './client.js';
import { EMBEDDED_PORT, startEmbeddedPostgres } from './embedded/server.js';
import { createMigration, diffDatabaseToSchema, migrateDeploy, pendingSchemaChanges } from './migrate/index.js';
import { seed } from './seed/index.js';

const USAGE = `Usage: synthwell-db <command>
  migrate deploy        apply committed migrations to DATABASE_URL
  migrate create NAME   write a migration for what schema.prisma adds (uses a scratch embedded database)
  migrate check         exit 1 if schema.prisma and the migrations disagree
  migrate status        print what DATABASE_URL lacks compared with schema.prisma
  seed                  create the plans and the model catalog in DATABASE_URL
  serve [DIR] [PORT]    serve embedded PostgreSQL (PGlite) from DIR on 127.0.0.1:PORT (default ${EMBEDDED_PORT})`;

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set: it must be a postgresql:// URL.');
    process.exit(2);
  }
  return url;
}

async function main(args: string[]): Promise<number> {
  const [command, sub, arg] = args;
  if (command === 'migrate' && sub === 'deploy') {
    const applied = await migrateDeploy(databaseUrl());
    console.log(applied.length ? `Applied ${applied.join(', ')}` : 'No pending migrations.');
    return 0;
  }
  if (command === 'migrate' && sub === 'create' && arg) {
    const dir = await createMigration(arg);
    console.log(dir ? `Wrote ${dir}/migration.sql` : 'schema.prisma adds nothing: no migration written.');
    return 0;
  }
  if (command === 'migrate' && sub === 'check') {
    const sql = await pendingSchemaChanges();
    if (!sql) return 0;
    console.error(`schema.prisma and the migrations disagree. Missing SQL:\n${sql}`);
    return 1;
  }
  if (command === 'migrate' && sub === 'status') {
    const sql = await diffDatabaseToSchema(databaseUrl());
    console.log(sql || 'The database matches schema.prisma.');
    return 0;
  }
  if (command === 'seed') {
    const db = createDb(databaseUrl());
    await seed(db);
    await db.$disconnect();
    console.log('Seeded plans and models.');
    return 0;
  }
  if (command === 'serve') {
    const server = await startEmbeddedPostgres({
      dataDir: sub ?? '.synthwell/pgdata',
      ...(arg ? { port: Number(arg) } : {}),
    });
    console.log(`Embedded PostgreSQL at ${server.url}`);
    process.send?.({ url: server.url });
    const stop = () => void server.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return new Promise(() => {});
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
