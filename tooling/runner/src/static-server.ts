import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Serves the web app's static build. `/config.js` carries the service origins, so one build works
 * against any deployment; unknown paths fall back to index.html for client-side routing.
 */
export function serveWebApp(root: string, config: Record<string, string>): Server {
  const base = resolve(root);
  const configJs = `window.__SYNTHWELL__ = ${JSON.stringify(config)};\n`;
  return createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (path === '/config.js') {
      response.writeHead(200, { 'content-type': TYPES['.js'] ?? 'text/javascript', 'cache-control': 'no-store' });
      response.end(configJs);
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: path === '/healthz' ? 'ok' : 'ready', checks: {} }));
      return;
    }
    let file = resolve(join(base, normalize(path)));
    if (!file.startsWith(base) || !existsSync(file) || statSync(file).isDirectory()) file = join(base, 'index.html');
    const immutable = file.includes(`${join(base, 'assets')}`);
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    createReadStream(file).pipe(response);
  });
}
