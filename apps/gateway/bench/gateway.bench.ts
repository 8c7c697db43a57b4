/**
 * `npm run bench:gateway`: the gateway's own cost, measured on this machine in one go.
 * A mock OpenAI-compatible upstream answers at once; the same request is sent directly to it, through
 * Synthwell (auth, plan limits and usage metering on), through Synthwell with Redis-backed limits when
 * REDIS_URL is set, and through the Portkey gateway. Figures go to stdout and docs/benchmarks.md.
 *
 * Two layouts (BENCH_LAYOUT=shared|pinned|both, default both):
 * - shared: every process may run on every core, as the OS schedules them;
 * - pinned: the load generator and the upstream share core 0 and the proxy under test (Synthwell,
 *   Portkey, the minimal proxy, the TCP relay) has core 1 to itself, as when a gateway runs on hosts
 *   of its own.
 *   Needs taskset (util-linux) and two cores; skipped otherwise.
 *
 * Each point runs BENCH_ROUNDS times (5), BENCH_SECONDS each (3), the targets in turn; comparisons
 * with direct calls and with Portkey are made within each round and their median reported.
 */
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { type LoadResult, load, median, type Target, timeToFirstToken } from './load.js';
import {
  benchDatabase,
  children,
  here,
  idlePriority,
  pin,
  prepareDatabase,
  startGateway,
  startMockUpstream,
  track,
  waitFor,
  writeBenchmarkSection,
} from './setup.js';

const require = createRequire(import.meta.url);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TTFT_SAMPLES = Number(process.env.BENCH_TTFT_SAMPLES ?? 200);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);

type Layout = 'shared' | 'pinned';

/** One target's two points in one round. */
type Round = { c1: LoadResult; c50: LoadResult };

/** One target's figures in one layout: every round, and each figure's median over the rounds. */
type Row = { name: string; rounds: Round[]; c1: LoadResult; c50: LoadResult; ttft: { p50: number; p99: number } };

/** Each figure of a point, the median of its rounds (errors are summed). */
function medianResult(results: LoadResult[]): LoadResult {
  const of = (pick: (result: LoadResult) => number | null) =>
    median(results.map(pick).filter((value): value is number => value !== null));
  const processes = new Set(results.flatMap((result) => Object.keys(result.cpuUsPerRequest)));
  const orNull = (value: number) => (Number.isNaN(value) ? null : value);
  return {
    requests: results.reduce((sum, result) => sum + result.requests, 0),
    seconds: results.reduce((sum, result) => sum + result.seconds, 0),
    rps: of((result) => result.rps),
    p50: of((result) => result.p50),
    p99: of((result) => result.p99),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    overheadP50: orNull(of((result) => result.overheadP50)),
    overheadP99: orNull(of((result) => result.overheadP99)),
    cpuUsPerRequest: Object.fromEntries(
      [...processes].map((name) => [name, of((result) => result.cpuUsPerRequest[name] ?? null)]),
    ),
  };
}

function layouts(): Layout[] {
  const wanted = process.env.BENCH_LAYOUT ?? 'both';
  const list: Layout[] = wanted === 'both' ? ['shared', 'pinned'] : [wanted as Layout];
  if (list.includes('pinned') && (cpus().length < 2 || !pin(process.pid, `0-${cpus().length - 1}`))) {
    console.log('pinned layout skipped: it needs taskset and at least two cores');
    return list.filter((layout) => layout !== 'pinned');
  }
  return list;
}

/** Starts bench/<file> (the minimal proxy or the TCP relay) in front of the upstream. */
async function startFloor(file: string, upstreamPort: number): Promise<{ port: number; pid: number }> {
  const child = track(fork(join(here, file), [String(upstreamPort)], { stdio: 'inherit' }));
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return { port: message.port, pid: child.pid as number };
}

async function startPortkey(port: number): Promise<number | null> {
  let entry: string;
  try {
    entry = join(dirname(require.resolve('@portkey-ai/gateway/package.json')), 'build', 'start-server.js');
  } catch {
    return null;
  }
  const child = track(
    spawn(process.execPath, [entry, `--port=${port}`, '--headless'], {
      stdio: 'ignore',
      env: { PATH: process.env.PATH },
    }),
  );
  await waitFor(`http://127.0.0.1:${port}/`);
  return child.pid as number;
}

/** "gateway 180 · upstream 40 · client 60": CPU time per request of each process, in µs. */
function cpuSummary(result: LoadResult): string {
  return Object.entries(result.cpuUsPerRequest)
    .sort(([a], [b]) => (a === 'gateway' ? -1 : b === 'gateway' ? 1 : a.localeCompare(b)))
    .map(([name, us]) => `${name} ${us.toFixed(0)}`)
    .join(' · ');
}

function fmt(value: number | null, digits = 2): string {
  return value === null || Number.isNaN(value) ? '—' : value.toFixed(digits);
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const upstream = await startMockUpstream();
  const upstreamPort = upstream.port;
  const relay = await startFloor('tcp-relay.js', upstreamPort);
  const proxy = await startFloor('minimal-proxy.js', upstreamPort);
  const database = await benchDatabase();
  const databaseUrl = database.url;
  const key = await prepareDatabase(databaseUrl);
  const providerEnv = {
    DATABASE_URL: databaseUrl,
    SYNTHWELL_PROVIDER_MOCK_BASE_URL: `http://127.0.0.1:${upstreamPort}/v1`,
  };
  const gatewayPid = await startGateway(4901, providerEnv);
  const redisUrl = process.env.REDIS_URL;
  const redisGatewayPid = redisUrl ? await startGateway(4902, { ...providerEnv, REDIS_URL: redisUrl }) : null;
  const portkey = await startPortkey(4903);

  const body = (stream: boolean) =>
    JSON.stringify({
      model: 'bench-model',
      messages: [{ role: 'user', content: 'Say something short.' }],
      max_tokens: 16,
      ...(stream ? { stream: true } : {}),
    });
  // The upstream and the proxies in front of it that pass the request through unchanged take the
  // upstream's own model name and no key; the Synthwell gateways take the catalog's model and a key.
  const passThrough = (port: number) => (stream: boolean) => ({
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: { 'content-type': 'application/json' },
    body: body(stream).replace('bench-model', 'bench-upstream'),
  });
  const synthwell = (port: number) => (stream: boolean) => ({
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: body(stream),
  });
  const targets: Array<{ name: string; target: (stream: boolean) => Target; pid: number | null }> = [
    { name: 'direct to upstream', pid: null, target: passThrough(upstreamPort) },
    { name: 'TCP relay (no HTTP)', pid: relay.pid, target: passThrough(relay.port) },
    { name: 'minimal proxy (no features)', pid: proxy.pid, target: passThrough(proxy.port) },
    { name: 'Synthwell (in-process limits)', pid: gatewayPid, target: synthwell(4901) },
  ];
  if (redisUrl) {
    targets.push({ name: 'Synthwell (Redis limits)', pid: redisGatewayPid, target: synthwell(4902) });
  }
  if (portkey) {
    targets.push({
      name: 'Portkey gateway',
      pid: portkey,
      target: (stream) => ({
        url: 'http://127.0.0.1:4903/v1/chat/completions',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer mock',
          'x-portkey-provider': 'openai',
          'x-portkey-custom-host': `http://127.0.0.1:${upstreamPort}/v1`,
        },
        body: body(stream).replace('bench-model', 'bench-upstream'),
      }),
    });
  }

  const only = process.env.BENCH_ONLY;
  const allCores = `0-${cpus().length - 1}`;
  const proxies = targets.flatMap((target) => (target.pid ? [target.pid] : []));
  const sections: string[] = [];
  for (const layout of layouts()) {
    // Shared: anything goes anywhere. Pinned: generator and upstream on core 0, proxies on core 1.
    pin(process.pid, layout === 'pinned' ? '0' : allCores);
    pin(upstream.pid, layout === 'pinned' ? '0' : allCores);
    for (const pid of proxies) pin(pid, layout === 'pinned' ? '1' : allCores);
    console.log(`\nlayout: ${layout}`);
    const chosen = targets.filter(
      ({ name }) => !only || name.toLowerCase().includes(only.toLowerCase()) || /^(direct|minimal|TCP)/.test(name),
    );
    // Every target is warmed at full load first, so its JIT has compiled the hot path before the
    // concurrency-1 run: without it, the first seconds of a freshly started Node process, slow
    // while V8 compiles, land in that run's tail.
    for (const { target } of chosen) await load(target(false), 50, WARMUP_SECONDS, 0);
    // The database that holds Synthwell's usage records is not the proxy under test. Pinned, it
    // stands in for a database on a host of its own: it runs on core 0, at idle priority, so it
    // neither takes the gateway's core nor delays the generator and upstream on theirs (its batch
    // inserts run for milliseconds at a time). Shared, it competes like everything else. Its CPU
    // per request is reported with the Synthwell rows. Its backends are looked up after each point's
    // warm-up: a gateway idle for more than ten seconds between its points has its pooled connection
    // closed, and the backend of the next one is a new process, placed like the server's others.
    const placedDatabase = async () => {
      const pids = await database.pids();
      for (const databasePid of pids) {
        pin(databasePid, layout === 'pinned' ? '0' : allCores);
        idlePriority(databasePid, layout === 'pinned');
      }
      return pids;
    };
    // Rounds, every target once per round and the order reversed every other round: this machine's
    // speed drifts by a third or more within minutes, and a ratio of two points taken minutes apart
    // would measure the drift. Ratios and differences are taken within a round; medians are reported.
    const rounds = new Map<string, Array<Partial<Round>>>(
      chosen.map(({ name }) => [name, Array.from({ length: ROUNDS }, () => ({}))]),
    );
    for (let round = 0; round < ROUNDS; round++) {
      // Concurrency 50 for every target, then concurrency 1: the points compared are seconds apart.
      for (const concurrency of [50, 1] as const) {
        for (const { name, target, pid } of round % 2 === 0 ? chosen : [...chosen].reverse()) {
          const watch = {
            upstream: upstream.pid,
            ...(pid ? { gateway: pid } : {}),
            ...(name.startsWith('Synthwell') ? { database: placedDatabase } : {}),
          };
          const result = await load(target(false), concurrency, SECONDS, 1, watch);
          const slot = rounds.get(name)?.[round];
          if (slot) slot[concurrency === 50 ? 'c50' : 'c1'] = result;
        }
      }
    }
    const rows: Row[] = [];
    for (const { name, target } of chosen) {
      const measured = (rounds.get(name) ?? []).filter((round): round is Round => !!round.c1 && !!round.c50);
      const ttft = await timeToFirstToken(target(true), TTFT_SAMPLES).catch((error: unknown) => {
        console.log(`${name}: streaming failed (${error instanceof Error ? error.message.slice(0, 120) : error})`);
        return { p50: Number.NaN, p99: Number.NaN };
      });
      const row: Row = {
        name,
        rounds: measured,
        c1: medianResult(measured.map((round) => round.c1)),
        c50: medianResult(measured.map((round) => round.c50)),
        ttft,
      };
      rows.push(row);
      const { c1, c50 } = row;
      console.log(
        `${name}: c1 ${c1.rps.toFixed(0)} req/s p50 ${fmt(c1.p50)} p99 ${fmt(c1.p99)} ms (own overhead p50 ${fmt(c1.overheadP50, 3)} p99 ${fmt(c1.overheadP99, 3)}); c50 ${c50.rps.toFixed(0)} req/s p99 ${fmt(c50.p99)} ms (errors ${c1.errors + c50.errors}); TTFT p50 ${fmt(ttft.p50)} ms; CPU µs/request at c50: ${cpuSummary(c50)}`,
      );
    }
    sections.push(report(layout, rows));
  }

  const table = [
    `Run ${startedAt.toISOString()} on ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, ${ROUNDS} rounds of ${SECONDS} s per point after 1 s warm-up, targets taken in turn and in reverse every other round (after ${WARMUP_SECONDS} s at concurrency 50 for each target); the table gives each figure’s median over the rounds; database ${database.embedded ? 'embedded PGlite' : 'PostgreSQL'}.`,
    '',
    ...sections,
  ].join('\n');
  console.log(`\n${table}`);

  const docs = await writeBenchmarkSection('gateway', 'Gateway', table);
  console.log(`\nwrote ${docs}`);

  await database.drop();
  for (const child of children) child.kill('SIGTERM');
  process.exit(0);
}

/**
 * `compare` of `row` against `base` in each round (both measured within the same round, minutes
 * closer together than the whole run), and its median.
 */
function perRound(row: Row, base: Row, compare: (it: Round, base: Round) => number): number[] {
  return row.rounds.flatMap((round, index) => {
    const other = base.rounds[index];
    return other ? [compare(round, other)] : [];
  });
}

/** "36% (34 / 36 / 39%)": the median of per-round figures and each round's. */
function said(values: number[], digits: number, unit: string): string {
  const each = values.map((value) => value.toFixed(digits)).join(' / ');
  return `${median(values).toFixed(digits)}${unit} (${each}${unit})`;
}

/** One layout's table and the figures the gateway issue names. */
function report(layout: Layout, rows: Row[]): string {
  const direct = rows[0];
  if (!direct) return '';
  const title =
    layout === 'pinned'
      ? '#### Pinned: load generator and upstream on core 0, the proxy under test alone on core 1'
      : '#### Shared: all processes on both cores';
  const lines = [
    title,
    '',
    '| path | c=1 req/s | c=1 p50 ms | c=1 p99 ms | c=50 req/s | c=50 p50 ms | c=50 p99 ms | errors | TTFT p50 ms | TTFT p99 ms | overhead header p50 / p99 ms (c=1) | CPU µs per request at c=50 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${row.c1.rps.toFixed(0)} | ${fmt(row.c1.p50)} | ${fmt(row.c1.p99)} | ${row.c50.rps.toFixed(0)} | ${fmt(row.c50.p50)} | ${fmt(row.c50.p99)} | ${row.c1.errors + row.c50.errors} | ${fmt(row.ttft.p50)} | ${fmt(row.ttft.p99)} | ${fmt(row.c1.overheadP50, 3)} / ${fmt(row.c1.overheadP99, 3)} | ${cpuSummary(row.c50)} |`,
    ),
    '',
  ];
  const synthwell = rows.find((row) => row.name.startsWith('Synthwell (in-process'));
  const portkeyRow = rows.find((row) => row.name.startsWith('Portkey'));
  const floors = [
    ['a proxy with no features at all', rows.find((row) => row.name.startsWith('minimal'))],
    ['the TCP relay, which does not even parse HTTP,', rows.find((row) => row.name.startsWith('TCP'))],
  ] as const;
  const addedP99 = (row: Row) => perRound(row, direct, (it, base) => it.c1.p99 - base.c1.p99);
  const percentOfDirect = (row: Row) => perRound(row, direct, (it, base) => (100 * it.c50.rps) / base.c50.rps);
  const timesPortkey = (row: Row) =>
    portkeyRow ? perRound(row, portkeyRow, (it, base) => it.c50.rps / base.c50.rps) : null;
  const throughput = (row: Row) => {
    const portkey = timesPortkey(row);
    return `${said(percentOfDirect(row), 0, '%')} of direct${portkey ? ` and ${said(portkey, 1, '×')} Portkey's` : ''}`;
  };
  if (synthwell) {
    const portkey = timesPortkey(synthwell);
    lines.push(
      `- Synthwell adds ${said(addedP99(synthwell), 2, ' ms')} at p99 and ${fmt(synthwell.c1.p50 - direct.c1.p50)} ms at p50 at concurrency 1 (target ≤ 1 ms p99).`,
      `- Throughput at concurrency 50 is ${said(percentOfDirect(synthwell), 0, '%')} of direct (target ≥ 40%)${portkey ? ` and ${said(portkey, 1, '×')} Portkey's (target ≥ 10×)` : ''}.`,
      `- Time to first token: +${fmt(synthwell.ttft.p50 - direct.ttft.p50)} ms at p50 over direct (target ≤ 2 ms).`,
    );
    for (const [what, floor] of floors) {
      if (!floor) continue;
      lines.push(
        `- For scale, ${what} adds ${said(addedP99(floor), 2, ' ms')} at p99 at concurrency 1 and reaches ${throughput(floor)} at concurrency 50.`,
      );
    }
    lines.push('- Figures against a target are medians of per-round comparisons; each round’s is in brackets.');
  }
  lines.push('');
  return lines.join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
});
