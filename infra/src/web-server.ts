import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The web app's container entry: serves the static build, `/config.js` with the service origins the
 * browser should call (so one image runs against any deployment), `/healthz` and `/readyz`, and falls
 * back to index.html for client-side routes. Standard library only, so the image has no node_modules.
 */

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface WebServerConfig {
  root: string;
  host: string;
  port: number;
  gatewayUrl: string;
  billingUrl: string;
}

/** Reads WEB_* and the public service URLs; throws naming every missing or malformed variable. */
export function readWebServerConfig(env: Record<string, string | undefined>): WebServerConfig {
  const problems: string[] = [];
  const url = (name: string): string => {
    const value = env[name];
    if (!value) problems.push(`${name}: required (the URL browsers use to reach the service)`);
    else if (!/^https?:\/\/[^/]+/.test(value)) problems.push(`${name}: must be an http:// or https:// URL`);
    return (value ?? '').replace(/\/$/, '');
  };
  const port = Number(env.WEB_PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) problems.push('WEB_PORT: must be a port number');
  const config = {
    root: resolve(env.WEB_ROOT ?? 'public'),
    host: env.WEB_HOST ?? '127.0.0.1',
    port,
    gatewayUrl: url('GATEWAY_PUBLIC_URL'),
    billingUrl: url('BILLING_PUBLIC_URL'),
  };
  if (problems.length > 0) throw new Error(`web: invalid configuration\n  ${problems.join('\n  ')}`);
  return config;
}

/** The file a path names inside `root`, or null when it escapes `root` or is not a file. */
async function fileFor(root: string, pathname: string): Promise<string | null> {
  const file = resolve(join(root, pathname));
  if (file !== root && !file.startsWith(root + sep)) return null;
  const info = await stat(file).catch(() => null);
  return info?.isFile() ? file : null;
}

export function createWebServer(config: WebServerConfig): Server {
  const configJs = `window.__SYNTHWELL__ = ${JSON.stringify({
    gatewayUrl: config.gatewayUrl,
    billingUrl: config.billingUrl,
  })};\n`;
  const assets = join(config.root, 'assets') + sep;

  return createServer(async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://web').pathname);
    } catch {
      response.writeHead(400).end();
      return;
    }
    if (pathname === '/healthz' || pathname === '/readyz') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify({ status: pathname === '/healthz' ? 'ok' : 'ready', checks: {} }));
      return;
    }
    if (pathname === '/config.js') {
      response.writeHead(200, { 'content-type': CONTENT_TYPES['.js'], 'cache-control': 'no-store' });
      response.end(configJs);
      return;
    }
    const file = (await fileFor(config.root, pathname)) ?? join(config.root, 'index.html');
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      // Vite fingerprints everything under assets/; everything else must be revalidated.
      'cache-control': file.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'strict-origin-when-cross-origin',
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    createReadStream(file)
      .on('error', () => response.destroy())
      .pipe(response);
  });
}

async function main(): Promise<void> {
  let config: WebServerConfig;
  try {
    config = readWebServerConfig(process.env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(78);
  }
  const server = createWebServer(config);
  server.listen(config.port, config.host, () => console.log(`web listening on http://${config.host}:${config.port}`));
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
