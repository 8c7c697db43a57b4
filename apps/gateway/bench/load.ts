import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { ResponseParser } from '@synthwell/providers';

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
function processCpuUs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return null;
  }
}

/** The CPU time of each process of a group (a database server's backends, say) that can be read. */
export function readCpu(pids: number | number[]): Map<number, number> {
  const readings = new Map<number, number>();
  for (const pid of Array.isArray(pids) ? pids : [pids]) {
    const us = processCpuUs(pid);
    if (us !== null) readings.set(pid, us);
  }
  return readings;
}

/**
 * CPU time spent between two readings, counting the processes readable both times: one that exits in
 * between (an idle pooled connection closed) takes its share with it, so the figure can only be low.
 * Null when none could be read twice.
 */
export function cpuSpentUs(before: Map<number, number>, after: Map<number, number>): number | null {
  let total = 0;
  let read = false;
  for (const [pid, us] of after) {
    const earlier = before.get(pid);
    if (earlier === undefined) continue;
    total += us - earlier;
    read = true;
  }
  return read ? total : null;
}

export interface Target {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The middle value (the mean of the two middle ones for an even count), ignoring NaN; NaN when none is left. */
export function median(values: number[]): number {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length / 2;
  return Number.isInteger(middle)
    ? ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
    : (sorted[Math.floor(middle)] as number);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/**
 * One keep-alive connection of the load generator, sending the same request again and again: the
 * request is formatted once and written in one piece, and the answer read with the gateway's own
 * HTTP/1.1 response parser (@synthwell/providers). A load generator built on Node's http client costs
 * about as much CPU per request as the proxies it measures, and on a two-core machine that CPU is
 * taken from them; this one costs a fraction of it.
 */
class LoadConnection {
  private readonly socket: Socket;
  private parser: ResponseParser | null = null;
  private started = 0;
  private onAnswer: ((answer: Answer) => void) | null = null;

  constructor(
    url: URL,
    private readonly request: Buffer,
  ) {
    this.socket = connect(Number(url.port), url.hostname);
    this.socket.setNoDelay(true);
    this.socket.on('data', (data: Buffer) => this.received(data));
    this.socket.on('error', () => undefined);
    // A close ends an answer framed by the connection closing; any other answer it cuts short fails.
    this.socket.on('close', () => {
      if (this.parser) this.parser.closed();
      else this.answer({ ms: this.elapsed(), ok: false, overhead: null }, false);
    });
  }

  /** Sends the request; calls back once with the answer (ok false on any failure). */
  send(onAnswer: (answer: Answer) => void): void {
    this.onAnswer = onAnswer;
    this.started = performance.now();
    if (this.socket.destroyed) {
      this.answer({ ms: 0, ok: false, overhead: null }, false);
      return;
    }
    let status = 0;
    let overhead: string | undefined;
    this.parser = new ResponseParser({
      head: (head) => {
        status = head.status;
        overhead = head.headers['x-synthwell-overhead-ms'];
      },
      data: () => undefined,
      end: () => {
        const reusable = this.parser?.reusable ?? false;
        this.answer(
          { ms: this.elapsed(), ok: status === 200, overhead: overhead ? Number(overhead) : null },
          !reusable,
        );
      },
      error: () => this.answer({ ms: this.elapsed(), ok: false, overhead: null }, true),
    });
    this.socket.write(this.request);
  }

  close(): void {
    this.socket.destroy();
  }

  get usable(): boolean {
    return !this.socket.destroyed;
  }

  private elapsed(): number {
    return performance.now() - this.started;
  }

  private received(data: Buffer): void {
    try {
      this.parser?.feed(data);
    } catch {
      this.answer({ ms: this.elapsed(), ok: false, overhead: null }, true);
    }
  }

  private answer(answer: Answer, broken: boolean): void {
    this.parser = null;
    if (broken) this.socket.destroy();
    const callback = this.onAnswer;
    this.onAnswer = null;
    callback?.(answer);
  }
}

type Answer = { ms: number; ok: boolean; overhead: number | null };

function requestBytes(target: Target, url: URL): Buffer {
  const headers = Object.entries({ ...target.headers, 'content-length': String(Buffer.byteLength(target.body)) })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return Buffer.from(`POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\n${headers}\r\n${target.body}`);
}

/**
 * A process, a group of them, or a lookup run after the warm-up (a pool may have closed an idle
 * connection and opened another, whose server process is new).
 */
export type Watched = number | number[] | (() => Promise<number[]>);

/** A closed loop of `concurrency` clients for `seconds` (after a warm-up), timed with hrtime. */
export async function load(
  target: Target,
  concurrency: number,
  seconds: number,
  warmupSeconds = 1,
  watch: Record<string, Watched> = {},
): Promise<LoadResult> {
  const url = new URL(target.url);
  const request = requestBytes(target, url);
  const connections = Array.from({ length: concurrency }, () => new LoadConnection(url, request));
  const run = (duration: number, record: boolean) =>
    new Promise<{ latencies: number[]; overheads: number[]; errors: number }>((done) => {
      const latencies: number[] = [];
      const overheads: number[] = [];
      let errors = 0;
      let running = connections.length;
      const deadline = performance.now() + duration * 1000;
      const loop = (index: number) => (answer: Answer) => {
        if (record) {
          if (answer.ok) latencies.push(answer.ms);
          else errors++;
          if (answer.overhead !== null) overheads.push(answer.overhead);
        }
        if (performance.now() >= deadline) {
          if (--running === 0) done({ latencies, overheads, errors });
          return;
        }
        // A connection the target closed is replaced, as a client's pool would.
        if (!connections[index]?.usable) connections[index] = new LoadConnection(url, request);
        connections[index]?.send(next[index] as (answer: Answer) => void);
      };
      const next = connections.map((_, index) => loop(index));
      connections.forEach((connection, index) => {
        connection.send(next[index] as (answer: Answer) => void);
      });
    });
  await run(warmupSeconds, false);
  const watched = await Promise.all(
    Object.entries(watch).map(
      async ([name, pids]) => [name, typeof pids === 'function' ? await pids() : pids] as const,
    ),
  );
  const cpuBefore = new Map(watched.map(([name, pids]) => [name, readCpu(pids)]));
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const { latencies, overheads, errors } = await run(seconds, true);
  const elapsed = (performance.now() - started) / 1000;
  const clientCpu = process.cpuUsage(clientBefore);
  const cpuUsPerRequest: Record<string, number> = {
    client: (clientCpu.user + clientCpu.system) / Math.max(1, latencies.length),
  };
  for (const [name, pids] of watched) {
    const spent = cpuSpentUs(cpuBefore.get(name) ?? new Map(), readCpu(pids));
    if (spent !== null) cpuUsPerRequest[name] = spent / Math.max(1, latencies.length);
  }
  for (const connection of connections) connection.close();
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
