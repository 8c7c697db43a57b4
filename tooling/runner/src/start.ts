#!/usr/bin/env node
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, type EmbeddedPostgres, migrateDeploy, startEmbeddedPostgres } from '@synthwell/db';
import { seed } from '@synthwell/db/seed';
import { GATEWAY_NODE_OPTIONS } from '@synthwell/gateway/node-options';
import { ConfigError } from '@synthwell/server';
import { loadRunnerEnv } from './env.js';
import { loadOrCreateDevCredentials, loadOrCreateSecrets, writeDevCredentials } from './state.js';
import { serveWebApp } from './static-server.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const require = createRequire(import.meta.url);

function log(message: string): void {
  process.stdout.write(`[synthwell] ${message}\n`);
}

/** Prefixes each line a service prints, so interleaved logs stay readable. */
function pipeWithPrefix(child: ChildProcess, name: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (data: string) => {
      const lines = (partial + data).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
}

async function waitReady(name: string, url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${name} was not ready at ${url}/readyz within ${timeoutMs / 1000} s`);
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const env = loadRunnerEnv(process.env);
  const home = resolve(env.SYNTHWELL_HOME ?? join(repoRoot, '.synthwell'));
  const secrets = await loadOrCreateSecrets(home);
  const credentials = await loadOrCreateDevCredentials(home);

  let embedded: EmbeddedPostgres | null = null;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: join(home, 'pgdata'), port: env.EMBEDDED_PG_PORT });
    databaseUrl = embedded.url;
    log(`embedded PostgreSQL (PGlite) at ${databaseUrl}`);
  }
  const applied = await migrateDeploy(databaseUrl);
  log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
  const db = createDb(databaseUrl, { poolSize: 2 });
  await seed(db, credentials);
  await db.$disconnect();

  const gatewayUrl = `http://localhost:${env.GATEWAY_PORT}`;
  const billingUrl = `http://localhost:${env.BILLING_PORT}`;
  const webUrl = `http://localhost:${env.WEB_PORT}`;
  const shared = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: env.LOG_LEVEL,
    SESSION_TOKEN_SECRETS: process.env.SESSION_TOKEN_SECRETS ?? secrets.sessionTokenSecret,
    WEB_URL: webUrl,
  };
  const services = [
    {
      name: 'gateway',
      url: gatewayUrl,
      entry: require.resolve('@synthwell/gateway/package.json').replace('package.json', 'dist/main.js'),
      nodeArgs: GATEWAY_NODE_OPTIONS,
      env: {
        ...shared,
        GATEWAY_PORT: String(env.GATEWAY_PORT),
        IMAGE_URL_SECRET: process.env.IMAGE_URL_SECRET ?? secrets.imageUrlSecret,
        IMAGE_STORAGE_DIR: process.env.IMAGE_STORAGE_DIR ?? join(home, 'images'),
        MODEL_CACHE_DIR: process.env.MODEL_CACHE_DIR ?? join(home, 'models'),
        USAGE_JOURNAL_DIR: process.env.USAGE_JOURNAL_DIR ?? join(home, 'journal'),
        PROVENANCE_KEY_DIR: process.env.PROVENANCE_KEY_DIR ?? join(home, 'keys'),
      },
    },
    {
      name: 'billing',
      url: billingUrl,
      entry: require.resolve('@synthwell/billing/package.json').replace('package.json', 'dist/main.js'),
      env: {
        ...shared,
        BILLING_PORT: String(env.BILLING_PORT),
        STRIPE_WEBHOOK_SECRET: process.env.STRIPE_WEBHOOK_SECRET ?? secrets.stripeWebhookSecret,
      },
    },
  ];

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const web = serveWebApp(join(dirname(require.resolve('@synthwell/web/package.json')), 'dist'), {
    gatewayUrl,
    billingUrl,
  });

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping...');
    await Promise.all(
      [...children.values()].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    web.close();
    await embedded?.stop();
    log('stopped');
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  for (const service of services) {
    const child = spawn(process.execPath, ['--enable-source-maps', ...(service.nodeArgs ?? []), service.entry], {
      env: service.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(service.name, child);
    pipeWithPrefix(child, service.name);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      log(`${service.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
      void stop(1);
    });
  }
  web.listen(env.WEB_PORT, '127.0.0.1');
  await once(web, 'listening');

  await Promise.all(
    services.map((service) =>
      waitReady(service.name, service.url, env.READY_TIMEOUT_MS, children.get(service.name) as ChildProcess),
    ),
  );
  const credentialsPath = await writeDevCredentials(home, { gatewayUrl, billingUrl, webUrl, ...credentials });

  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  log(`ready in ${seconds} s`);
  log(`  web      ${webUrl}`);
  log(`  gateway  ${gatewayUrl}/v1   (OpenAI-compatible; docs: ${gatewayUrl}/v1/openapi.json)`);
  log(`  billing  ${billingUrl}`);
  for (const [role, account] of Object.entries(credentials)) {
    log(`  ${role.padEnd(8)} ${account.email}  password ${account.password}  key ${account.apiKey}`);
  }
  log(`  credentials written to ${credentialsPath}; Ctrl-C stops everything`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`[synthwell] ${error.message}`);
  else console.error('[synthwell] failed to start:', error);
  process.exit(1);
});
