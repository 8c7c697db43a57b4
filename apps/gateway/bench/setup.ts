/**
 * What the gateway benchmarks share: child processes, core pinning, a scratch database with a bench
 * plan, key and model, the mock upstream, and gateway processes started as main.ts starts them.
 */
import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, migrateDeploy, newId } from '@synthwell/db';
import { seedCatalog } from '@synthwell/db/seed';
import { createApiKey, createUser, subscribe } from '@synthwell/db/testing';
import { GATEWAY_NODE_OPTIONS } from '../src/node-options.js';

export const here = dirname(fileURLToPath(import.meta.url));
export const gatewayRoot = resolve(here, '..', '..');
export const repoRoot = resolve(gatewayRoot, '..', '..');
const require = createRequire(import.meta.url);

/** Sets the cores every thread of `pid` may run on; false if taskset is missing. */
export function pin(pid: number, cores: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs every thread of `pid` at idle priority (SCHED_IDLE: only when nothing else on its core wants
 * to run), or back at normal priority; false if chrt is missing.
 */
export function idlePriority(pid: number, idle: boolean): boolean {
  try {
    execFileSync('chrt', ['-a', idle ? '--idle' : '--other', '-p', '0', String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const children: ChildProcess[] = [];
export function track<T extends ChildProcess>(child: T): T {
  children.push(child);
  return child;
}

export async function waitFor(url: string, timeoutMs = 60_000, init?: RequestInit): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, init);
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${url} did not come up`);
}

export async function startMockUpstream(): Promise<{ port: number; pid: number }> {
  const child = track(fork(join(here, 'mock-upstream.js'), ['0'], { stdio: 'inherit' }));
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return { port: message.port, pid: child.pid as number };
}

/**
 * A database for the run: a scratch database of its own on the server at DATABASE_URL (dropped by
 * `drop`, after the gateways holding connections to it have stopped), or embedded PGlite in a process
 * of its own, so PGlite's work never stalls the load generator's event loop.
 */
export interface BenchDatabase {
  url: string;
  embedded: boolean;
  /** The processes doing the database's work for the run: PGlite's process, or the server's backends for it. */
  pids: () => Promise<number[]>;
  drop: () => Promise<void>;
}

export async function benchDatabase(): Promise<BenchDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = await mkdtemp(join(tmpdir(), 'synthwell-bench-pg-'));
    const cli = join(dirname(require.resolve('@synthwell/db/package.json')), 'dist', 'cli.js');
    const child = track(fork(cli, ['serve', dataDir, '54391'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
    const [message] = (await once(child, 'message')) as [{ url: string }];
    return { url: message.url, embedded: true, pids: async () => [child.pid as number], drop: async () => undefined };
  }
  const admin = createDb(serverUrl, { poolSize: 1 });
  const name = `sw_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await admin.$executeRawUnsafe(`CREATE DATABASE "${name}"`);
  await admin.$disconnect();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    embedded: false,
    pids: async () => {
      const admin = createDb(serverUrl, { poolSize: 1 });
      const rows = await admin.$queryRawUnsafe<Array<{ pid: number }>>(
        'SELECT pid FROM pg_stat_activity WHERE datname = $1',
        name,
      );
      await admin.$disconnect();
      return rows.map((row) => Number(row.pid));
    },
    drop: async () => {
      for (const child of children) child.kill('SIGTERM');
      // A child killed by a signal has no exit code, only a signal code: it has exited too.
      await Promise.all(
        children.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : null)),
      );
      const cleanup = createDb(serverUrl, { poolSize: 1 });
      await cleanup.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await cleanup.$disconnect();
    },
  };
}

/**
 * Migrates `url` (with this checkout's migrations unless `migrate` says otherwise) and seeds it with a
 * plan no benchmark can exhaust and a model on the mock upstream; returns an API key.
 */
export async function prepareDatabase(
  url: string,
  migrate: (url: string) => Promise<unknown> = migrateDeploy,
): Promise<string> {
  await migrate(url);
  const db = createDb(url, { poolSize: 2 });
  await seedCatalog(db);
  const plan = await db.plan.create({
    data: {
      id: newId('pln'),
      slug: `bench-${newId('pln')}`,
      name: 'Bench',
      priceCents: 0,
      requestsPerMinute: 100_000_000,
      tokensPerMinute: 2_000_000_000,
      chatRequestsPerDay: 1_000_000_000,
      imagesPerDay: 1_000,
      syntheticRecordsPerDay: 1_000,
      concurrentSyntheticJobs: 1,
      modelTiers: ['standard', 'premium'],
    },
  });
  const { user } = await createUser(db);
  await subscribe(db, user.id, plan);
  const { key } = await createApiKey(db, user.id, { name: 'bench' });
  await db.model.upsert({
    where: { id: 'bench-model' },
    create: {
      id: 'bench-model',
      kind: 'chat',
      tier: 'standard',
      displayName: 'Benchmark upstream',
      routes: { create: { id: newId('rte'), provider: 'mock', upstreamModel: 'bench-upstream' } },
    },
    update: {},
  });
  await db.$disconnect();
  return key;
}

/**
 * Starts a gateway (`main` defaults to this checkout's build) as it runs in production; returns its
 * pid. `nodeArgs` come after the gateway's own Node options, so they can override them.
 */
export async function startGateway(
  port: number,
  env: Record<string, string>,
  main = join(gatewayRoot, 'dist', 'main.js'),
  nodeArgs = process.env.BENCH_GATEWAY_NODE_ARGS,
): Promise<number> {
  const child = track(
    spawn(process.execPath, [...GATEWAY_NODE_OPTIONS, ...(nodeArgs?.split(' ').filter(Boolean) ?? []), main], {
      env: {
        PATH: process.env.PATH,
        GATEWAY_PORT: String(port),
        LOG_LEVEL: 'warn',
        LOCAL_MODELS: 'false',
        ...(process.env.BENCH_GATEWAY_ENV
          ? Object.fromEntries(
              process.env.BENCH_GATEWAY_ENV.split(',').map((pair) => pair.split('=') as [string, string]),
            )
          : {}),
        USAGE_JOURNAL_DIR: join(tmpdir(), `synthwell-bench-journal-${port}`),
        SESSION_TOKEN_SECRETS: 'bench-session-secret-0123456789abcdef',
        IMAGE_URL_SECRET: 'bench-image-secret-0123456789abcdefgh',
        ...env,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  await waitFor(`http://127.0.0.1:${port}/readyz`);
  if (child.exitCode !== null) throw new Error('gateway exited');
  return child.pid as number;
}

/**
 * Puts `text` between the `<!-- bench:<name>:start/end -->` markers of docs/benchmarks.md, or, the
 * first time, under a new `## <heading>` at the end; returns the file's path.
 */
export async function writeBenchmarkSection(name: string, heading: string, text: string): Promise<string> {
  const docs = join(repoRoot, 'docs', 'benchmarks.md');
  const current = await readFile(docs, 'utf8').catch(() => '# Benchmarks\n');
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const section = `${start}\n${text.trimEnd()}\n${end}`;
  await writeFile(
    docs,
    current.includes(start)
      ? current.replace(new RegExp(`${start}[\\s\\S]*${end}`), section)
      : `${current.trimEnd()}\n\n## ${heading}\n\n${section}\n`,
  );
  return docs;
}
