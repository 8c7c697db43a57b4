// Prints the production build's JavaScript sizes, gzipped: what the first page load fetches (the
// entry and its static imports) and everything. Run after `npm run build`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const gzipped = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
const firstLoad = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || firstLoad.has(chunk.file)) return;
  firstLoad.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
visit(entry);

const all = new Set(
  Object.values(manifest)
    .map((chunk) => chunk.file)
    .filter((file) => file.endsWith('.js')),
);
const total = (files) => [...files].reduce((sum, file) => sum + gzipped(file), 0);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
console.log(`first load: ${kb(total(firstLoad))} of JavaScript gzipped (${firstLoad.size} files)`);
console.log(`all routes: ${kb(total(all))} of JavaScript gzipped (${all.size} files)`);
