import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
export const RUNNER = join(repoRoot, 'tooling', 'runner', 'dist', 'start.js');

interface Account {
  email: string;
  password: string;
  apiKey: string;
}

export interface Platform {
  webUrl: string;
  gatewayUrl: string;
  billingUrl: string;
  admin: Account;
  free: Account;
  /** What the platform printed, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** The first port the kernel hands out to outgoing connections (Linux's default when unreadable). */
function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

/**
 * A port that is free now and that no outgoing connection can take before the platform binds it: it
 * is drawn below the ephemeral range (where port 0 would pick it), since the other suites running
 * alongside open connections by the thousand, and any of them may be given an ephemeral port.
 */
async function freePort(): Promise<number> {
  const high = ephemeralLow();
  for (;;) {
    const port = high - 12_000 + Math.floor(Math.random() * 11_000);
    const server = createServer();
    const bound = await new Promise<boolean>((done) => {
      server.once('error', () => done(false));
      server.listen(port, '127.0.0.1', () => done(true));
    });
    if (!bound) continue;
    await new Promise((done) => server.close(done));
    return port;
  }
}

/** Resolves when `check` returns a value, or rejects after `timeoutMs` (a deadline, not a retry). */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

const psql = (serverUrl: string, sql: string) => {
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  return promisify(execFile)('psql', [admin.toString(), '-v', 'ON_ERROR_STOP=1', '-qc', sql]);
};

/**
 * Where the platform keeps its data. By default the embedded PGlite and in-process queues, as
 * `npm start` does. With WEB_E2E_SERVERS=1, a fresh database on DATABASE_URL's PostgreSQL (dropped
 * afterwards) and REDIS_URL's Redis, with a queue name of its own, as production runs.
 */
async function backingServices(): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  const { DATABASE_URL: serverUrl, REDIS_URL: redisUrl } = process.env;
  if (process.env.WEB_E2E_SERVERS !== '1') return { env: {}, drop: async () => {} };
  if (!serverUrl || !redisUrl) throw new Error('WEB_E2E_SERVERS=1 needs DATABASE_URL and REDIS_URL');
  const name = `sw_web_e2e_${randomBytes(6).toString('hex')}`;
  await psql(serverUrl, `CREATE DATABASE "${name}"`);
  const database = new URL(serverUrl);
  database.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: database.toString(), REDIS_URL: redisUrl, SYNTHETIC_QUEUE: name },
    drop: async () => {
      await psql(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/**
 * Starts the whole platform the way `npm start` does (embedded PostgreSQL, offline models, the Stripe
 * stand-in) in a fresh home on free ports, and resolves once it wrote its dev credentials.
 */
export async function startPlatform(): Promise<Platform> {
  const home = await mkdtemp(join(tmpdir(), 'synthwell-web-e2e-'));
  const [gatewayPort, billingPort, webPort, postgresPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const { DATABASE_URL: _database, REDIS_URL: _redis, STRIPE_SECRET_KEY: _stripe, ...inherited } = process.env;
  const services = await backingServices();
  const child: ChildProcess = spawn(process.execPath, [RUNNER], {
    env: {
      ...inherited,
      ...services.env,
      SYNTHWELL_HOME: home,
      GATEWAY_PORT: String(gatewayPort),
      BILLING_PORT: String(billingPort),
      WEB_PORT: String(webPort),
      // Its own embedded PostgreSQL port, so a concurrent `npm start` test cannot collide with it.
      EMBEDDED_PG_PORT: String(postgresPort),
      STRIPE_STANDIN_PORT: '0',
      // A smaller training set keeps the offline models' start-up to seconds; they still stream real text.
      LOCAL_TRAINING_FILES: '20',
      OVERAGE_REPORT_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    },
    // Any directory a service defaults to relative to its working directory lands in the fresh home.
    cwd: home,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stopping it also reaches the services it started, even if it crashed.
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  child.stderr?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // The group has already exited.
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      signalGroup('SIGTERM');
      await exited;
    }
    signalGroup('SIGKILL');
    await rm(home, { recursive: true, force: true });
    await services.drop();
  };

  const credentialsFile = join(home, 'dev-credentials.json');
  try {
    const credentials = await waitFor(
      'the platform to start',
      async () => {
        if (child.exitCode !== null) throw new Error(`the platform exited with code ${child.exitCode}:\n${output}`);
        return existsSync(credentialsFile)
          ? (JSON.parse(await readFile(credentialsFile, 'utf8')) as Record<string, Account>)
          : undefined;
      },
      120_000,
    );
    return {
      webUrl: `http://localhost:${webPort}`,
      gatewayUrl: `http://localhost:${gatewayPort}`,
      billingUrl: `http://localhost:${billingPort}`,
      admin: credentials.admin as Account,
      free: credentials.free as Account,
      log: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
