// Builds the package twice from one source: ES modules to dist/esm and CommonJS to dist/cjs, each with
// type declarations. tsconfig.build.json compiles without Node's types, so any Node-only API in src
// fails the build: the SDK must run in browsers and other fetch runtimes too.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function compile(project, ...flags) {
  execFileSync(process.execPath, [tsc, '-p', project, ...flags], {
    cwd: root,
    stdio: 'inherit',
  });
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
compile('tsconfig.build.json', '--outDir', 'dist/esm');
// NodeNext would emit ES modules again (package.json says "type": "module"), so tsconfig.cjs.json asks
// for CommonJS, whose resolver cannot read `@synthwell/contracts`'s exports map. The first pass has
// type-checked the very same sources, and contracts are imported for types only, so this pass only
// transpiles (--noCheck).
compile('tsconfig.cjs.json', '--noCheck');
mkdirSync(join(root, 'dist/cjs'), { recursive: true });
writeFileSync(join(root, 'dist/cjs/package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
