import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const startScript = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'start.js');
const examplesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples');
const EXAMPLES = readdirSync(examplesDir).filter((name) => name.endsWith('.mjs'));

interface Credentials {
  gatewayUrl: string;
  billingUrl: string;
  webUrl: string;
  admin: { email: string; password: string; apiKey: string };
  free: { email: string; password: string; apiKey: string };
  premium: { email: string; password: string; apiKey: string };
}

/** `npm start` as a user runs it: embedded defaults, no DATABASE_URL, its own home and ports. */
function start(
  home: string,
  ports: { gateway: number; billing: number; web: number },
): { child: ChildProcess; output: () => string } {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const child = spawn(process.execPath, [startScript], {
    env: {
      ...env,
      SYNTHWELL_HOME: home,
      GATEWAY_PORT: String(ports.gateway),
      BILLING_PORT: String(ports.billing),
      WEB_PORT: String(ports.web),
      LOG_LEVEL: 'warn',
      LOCAL_TRAINING_FILES: '40',
      EMBEDDED_PG_PORT: String(ports.gateway + 7),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  child.stderr?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  return { child, output: () => output };
}

async function untilReady(run: ReturnType<typeof start>, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!run.output().includes('credentials written to')) {
    if (run.child.exitCode !== null) throw new Error(`npm start exited early:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`npm start was not ready in time:\n${run.output()}`);
    await once(run.child.stdout as NodeJS.ReadableStream, 'data');
  }
}

async function stop(run: ReturnType<typeof start>): Promise<number | null> {
  if (run.child.exitCode !== null) return run.child.exitCode;
  const exited = once(run.child, 'exit');
  run.child.kill('SIGINT');
  const [code] = (await exited) as [number | null];
  return code;
}

describe.runIf(existsSync(startScript))('npm start', () => {
  let home: string;
  const ports = { gateway: 14_000 + Math.floor(Math.random() * 500), billing: 0, web: 0 };
  ports.billing = ports.gateway + 1;
  ports.web = ports.gateway + 2;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'synthwell-home-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('runs the platform on embedded defaults, writes dev credentials, stops cleanly and keeps its data', async () => {
    const first = start(home, ports);
    try {
      await untilReady(first);
      const credentials = JSON.parse(await readFile(join(home, 'dev-credentials.json'), 'utf8')) as Credentials;
      expect(credentials.gatewayUrl).toBe(`http://localhost:${ports.gateway}`);
      for (const role of ['admin', 'free', 'premium'] as const) {
        expect(credentials[role].apiKey).toMatch(/^sk-sw-/);
        expect(first.output()).toContain(credentials[role].email);
      }
      for (const url of [credentials.gatewayUrl, credentials.billingUrl, credentials.webUrl]) {
        expect((await fetch(`${url}/readyz`)).status).toBe(200);
      }
      const models = await fetch(`${credentials.gatewayUrl}/v1/models`, {
        headers: { authorization: `Bearer ${credentials.premium.apiKey}` },
      });
      expect(((await models.json()) as { data: unknown[] }).data).toHaveLength(4);
      const page = await fetch(credentials.webUrl);
      expect(await page.text()).toContain('<div id="root">');
      const config = await (await fetch(`${credentials.webUrl}/config.js`)).text();
      expect(config).toContain(credentials.gatewayUrl);

      // The examples in examples/ run against it as documented.
      for (const example of EXAMPLES) {
        const run = spawnSync(process.execPath, [join(examplesDir, example)], {
          env: {
            ...process.env,
            SYNTHWELL_BASE_URL: `${credentials.gatewayUrl}/v1`,
            SYNTHWELL_API_KEY: credentials.free.apiKey,
          },
          encoding: 'utf8',
          timeout: 30_000,
        });
        expect(run.status, `${example}: ${run.stderr}`).toBe(0);
        expect(run.stdout.trim().length, example).toBeGreaterThan(0);
      }
    } finally {
      expect(await stop(first)).toBe(0);
    }

    // A second start reuses the data and the credentials.
    const before = JSON.parse(await readFile(join(home, 'dev-credentials.json'), 'utf8')) as Credentials;
    const second = start(home, ports);
    try {
      await untilReady(second);
      expect(second.output()).toContain('database schema is up to date');
      const response = await fetch(`${before.gatewayUrl}/v1/models`, {
        headers: { authorization: `Bearer ${before.free.apiKey}` },
      });
      expect(response.status).toBe(200);
    } finally {
      expect(await stop(second)).toBe(0);
    }
  });

  it('stops with a clear message when a variable is malformed', async () => {
    const child = spawn(process.execPath, [startScript], {
      env: { ...process.env, SYNTHWELL_HOME: home, GATEWAY_PORT: 'four thousand' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (data: Buffer) => {
      stderr += data.toString();
    });
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(1);
    expect(stderr).toContain('GATEWAY_PORT must be a port number (got "four thousand")');
  });
});
