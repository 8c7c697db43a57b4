import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Median of the x-synthwell-overhead-ms header, when the target sends it. */
  overheadP50: number | null;
  overheadP99: number | null;
  /** CPU time per request, in µs, of each watched process (and `client`, the load generator itself). */
  cpuUsPerRequest: Record<string, number>;
}

/** A process's user + system CPU time in µs, from /proc (Linux); null where /proc is not available. */
function cpuTimeUs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return null;
  }
}

export interface Target {
  url: string;
  headers: Record<string, string>;
  body: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** One request on a keep-alive agent; resolves with its latency in ms and any overhead header. */
function once(agent: Agent, target: Target): Promise<{ ms: number; ok: boolean; overhead: number | null }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const url = new URL(target.url);
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { ...target.headers, 'content-length': Buffer.byteLength(target.body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const header = res.headers['x-synthwell-overhead-ms'];
          resolve({
            ms: Number(process.hrtime.bigint() - started) / 1e6,
            ok: res.statusCode === 200,
            overhead: header ? Number(header) : null,
          });
        });
      },
    );
    req.on('error', () => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, ok: false, overhead: null }));
    req.end(target.body);
  });
}

/** A closed loop of `concurrency` clients for `seconds` (after a warm-up), timed with hrtime. */
export async function load(
  target: Target,
  concurrency: number,
  seconds: number,
  warmupSeconds = 1,
  watch: Record<string, number> = {},
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const run = async (duration: number, record: boolean) => {
    const latencies: number[] = [];
    const overheads: number[] = [];
    let errors = 0;
    const deadline = performance.now() + duration * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const result = await once(agent, target);
          if (!record) continue;
          if (result.ok) latencies.push(result.ms);
          else errors++;
          if (result.overhead !== null) overheads.push(result.overhead);
        }
      }),
    );
    return { latencies, overheads, errors };
  };
  await run(warmupSeconds, false);
  const cpuBefore = Object.fromEntries(Object.entries(watch).map(([name, pid]) => [name, cpuTimeUs(pid)]));
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const { latencies, overheads, errors } = await run(seconds, true);
  const elapsed = (performance.now() - started) / 1000;
  const clientCpu = process.cpuUsage(clientBefore);
  const cpuUsPerRequest: Record<string, number> = {
    client: (clientCpu.user + clientCpu.system) / Math.max(1, latencies.length),
  };
  for (const [name, pid] of Object.entries(watch)) {
    const before = cpuBefore[name];
    const after = cpuTimeUs(pid);
    if (before != null && after != null) cpuUsPerRequest[name] = (after - before) / Math.max(1, latencies.length);
  }
  agent.destroy();
  latencies.sort((a, b) => a - b);
  overheads.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds: elapsed,
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    overheadP50: overheads.length ? percentile(overheads, 50) : null,
    overheadP99: overheads.length ? percentile(overheads, 99) : null,
    cpuUsPerRequest,
  };
}

/** Time to the first content chunk of a streamed completion, sequentially, `count` times. */
export async function timeToFirstToken(target: Target, count: number): Promise<{ p50: number; p99: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  for (let i = 0; i < count + 20; i++) {
    const ms = await new Promise<number>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const url = new URL(target.url);
      let seen = -1;
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { ...target.headers, 'content-length': Buffer.byteLength(target.body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (data: string) => {
            text += data;
            if (seen < 0 && /"content":"[^"]/.test(text)) seen = Number(process.hrtime.bigint() - started) / 1e6;
          });
          res.on('end', () =>
            seen >= 0 ? resolve(seen) : reject(new Error(`no content chunk in: ${text.slice(0, 200)}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(target.body);
    });
    if (i >= 20) samples.push(ms);
  }
  agent.destroy();
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}
