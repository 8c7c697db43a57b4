import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebServer, readWebServerConfig } from './web-server.js';

describe('web server', () => {
  let base: string;
  let root: string;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'synthwell-web-'));
    root = join(base, 'public');
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html><title>Synthwell</title>');
    await writeFile(join(root, 'assets', 'app-1a2b.js'), 'console.log(1)');
    // A file beside the root, which no path may reach.
    await writeFile(join(base, 'outside-web-root.txt'), 'secret');
    server = createWebServer(
      readWebServerConfig({
        WEB_ROOT: root,
        WEB_PORT: '0',
        GATEWAY_PUBLIC_URL: 'https://api.example.test/',
        BILLING_PUBLIC_URL: 'https://billing.example.test',
      }),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    await rm(base, { recursive: true, force: true });
  });

  it('tells the browser where the services are, uncached', async () => {
    const response = await fetch(`${url}/config.js`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe(
      'window.__SYNTHWELL__ = {"gatewayUrl":"https://api.example.test","billingUrl":"https://billing.example.test"};\n',
    );
  });

  it('answers health and readiness probes', async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok', checks: {} });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('caches fingerprinted assets for a year and revalidates the page', async () => {
    const asset = await fetch(`${url}/assets/app-1a2b.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    const page = await fetch(`${url}/`);
    expect(page.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves the app for client-side routes and for paths that try to leave the root', async () => {
    for (const path of ['/usage/today', '/%2e%2e/outside-web-root.txt', '/..%2foutside-web-root.txt']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toContain('<title>Synthwell</title>');
    }
  });

  it('refuses to start without the public URLs, naming each variable', () => {
    expect(() => readWebServerConfig({ GATEWAY_PUBLIC_URL: 'api.example.test' })).toThrow(
      /GATEWAY_PUBLIC_URL: must be an http:\/\/ or https:\/\/ URL\n\s+BILLING_PUBLIC_URL: required/,
    );
  });
});
