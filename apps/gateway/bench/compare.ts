/**
 * `npm run bench:compare -- <git revision>`: this checkout's gateway against the gateway at another
 * revision, on the same database server, upstream and machine state. Both run side by side and are driven
 * alternately (BENCH_ROUNDS rounds of BENCH_SECONDS each, the order flipped every round), so a machine
 * that speeds up or slows down during the run affects both alike; medians are printed. The revision is
 * checked out into a temporary git worktree and built there (npm ci, turbo build), which takes a few
 * minutes; BENCH_BASELINE_DIR=<a built checkout> skips that.
 *
 * With DATABASE_URL each gateway has a database of its own, migrated by its own checkout's migrations
 * (a change to the schema is part of what is compared), and the CPU of each database's backends is
 * counted per request beside the gateway's. Without it both share one embedded database.
 *
 * BENCH_GATEWAY_NODE_ARGS are Node options for both gateways; BENCH_BASELINE_NODE_ARGS, if set, for
 * the baseline's instead (to compare options on one build, with BENCH_BASELINE_DIR=<this checkout>).
 *
 * BENCH_LAYOUT=pinned (default) puts the load generator and the upstream on core 0 and the gateway
 * under load on core 1; shared lets every process run anywhere. BENCH_CONCURRENCY defaults to 50.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoadResult, load, median } from './load.js';
import { benchDatabase, children, pin, prepareDatabase, repoRoot, startGateway, startMockUpstream } from './setup.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const LAYOUT = process.env.BENCH_LAYOUT === 'shared' ? 'shared' : 'pinned';

/** A built checkout of `revision`, in a temporary worktree. */
async function buildBaseline(revision: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'synthwell-baseline-'));
  const run = (command: string, args: string[], cwd: string) =>
    execFileSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`building ${revision} in ${dir} (npm ci, turbo build)…`);
  run('git', ['worktree', 'add', '--detach', dir, revision], repoRoot);
  run('npm', ['ci', '--no-audit', '--no-fund'], dir);
  run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], dir);
  return dir;
}

async function main(): Promise<void> {
  const revision = process.argv[2];
  const built = !process.env.BENCH_BASELINE_DIR && revision ? await buildBaseline(revision) : undefined;
  const baselineDir = process.env.BENCH_BASELINE_DIR ?? built;
  if (!baselineDir) throw new Error('usage: npm run bench:compare -- <git revision> (or BENCH_BASELINE_DIR=<dir>)');

  const upstream = await startMockUpstream();
  const upstreamEnv = { SYNTHWELL_PROVIDER_MOCK_BASE_URL: `http://127.0.0.1:${upstream.port}/v1` };
  const baselineDatabase = await benchDatabase();
  // The baseline's own migrations, run by its own CLI; then the same seed as this checkout's.
  const baselineMigrate = async (url: string) =>
    execFileSync('node', [join(baselineDir, 'packages/db/dist/cli.js'), 'migrate', 'deploy'], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const separate = !baselineDatabase.embedded;
  const key = await prepareDatabase(baselineDatabase.url, separate ? baselineMigrate : undefined);
  const ownDatabase = separate ? await benchDatabase() : baselineDatabase;
  const ownKey = separate ? await prepareDatabase(ownDatabase.url) : key;
  const gateways = [
    {
      name: 'baseline',
      port: 4921,
      key,
      database: baselineDatabase,
      pid: await startGateway(
        4921,
        { ...upstreamEnv, DATABASE_URL: baselineDatabase.url },
        join(baselineDir, 'apps/gateway/dist/main.js'),
        process.env.BENCH_BASELINE_NODE_ARGS ?? process.env.BENCH_GATEWAY_NODE_ARGS,
      ),
    },
    {
      name: 'this checkout',
      port: 4922,
      key: ownKey,
      database: ownDatabase,
      pid: await startGateway(4922, { ...upstreamEnv, DATABASE_URL: ownDatabase.url }),
    },
  ];
  pin(process.pid, LAYOUT === 'pinned' ? '0' : '0-1');
  pin(upstream.pid, LAYOUT === 'pinned' ? '0' : '0-1');
  for (const gateway of gateways) pin(gateway.pid, LAYOUT === 'pinned' ? '1' : '0-1');

  const body = JSON.stringify({
    model: 'bench-model',
    messages: [{ role: 'user', content: 'Say something short.' }],
    max_tokens: 16,
  });
  const results = new Map<string, LoadResult[]>(gateways.map((gateway) => [gateway.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const gateway of round % 2 === 0 ? gateways : [...gateways].reverse()) {
      const result = await load(
        {
          url: `http://127.0.0.1:${gateway.port}/v1/chat/completions`,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.key}` },
          body,
        },
        CONCURRENCY,
        SECONDS,
        1,
        { upstream: upstream.pid, gateway: gateway.pid, ...(separate ? { database: gateway.database.pids } : {}) },
      );
      results.get(gateway.name)?.push(result);
      console.log(
        `round ${round + 1} ${gateway.name}: ${result.rps.toFixed(0)} req/s, gateway ${result.cpuUsPerRequest.gateway?.toFixed(0)} µs/request, database ${result.cpuUsPerRequest.database?.toFixed(1) ?? '-'} µs/request, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, errors ${result.errors}`,
      );
    }
  }
  console.log(`\n${LAYOUT} layout, concurrency ${CONCURRENCY}, medians of ${ROUNDS} rounds of ${SECONDS} s:`);
  for (const [name, runs] of results) {
    console.log(
      `${name}: ${median(runs.map((run) => run.rps)).toFixed(0)} req/s, gateway ${median(runs.map((run) => run.cpuUsPerRequest.gateway ?? Number.NaN)).toFixed(0)} µs/request, database ${median(runs.map((run) => run.cpuUsPerRequest.database ?? Number.NaN)).toFixed(1)} µs/request, p50 ${median(runs.map((run) => run.p50)).toFixed(2)} ms, p99 ${median(runs.map((run) => run.p99)).toFixed(2)} ms`,
    );
  }
  await baselineDatabase.drop();
  if (separate) await ownDatabase.drop();
  for (const child of children) child.kill('SIGTERM');
  if (built) execFileSync('git', ['worktree', 'remove', '--force', built], { cwd: repoRoot, stdio: 'ignore' });
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
});
