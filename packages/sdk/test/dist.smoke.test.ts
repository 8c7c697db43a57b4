// Loads the built package the way users will: `import` picks dist/esm, `require` picks dist/cjs.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(packageRoot, 'dist');

/** Runs a script in a fresh Node process inside the package, where `@synthwell/sdk` names this package. */
function runNode(args: string[]): unknown {
  return JSON.parse(execFileSync(process.execPath, args, { cwd: packageRoot, encoding: 'utf8' }));
}

const probe = (sdk: string) => `
  const client = new ${sdk}.Synthwell({ apiKey: 'sk-sw-smoke', fetch: async () => new Response('{}') });
  const error = new ${sdk}.RateLimitError({ status: 429, headers: new Headers({ 'retry-after': '2' }), error: undefined, message: '429' });
  console.log(JSON.stringify({
    client: typeof ${sdk}.Synthwell,
    isDefault: ${sdk}.default === ${sdk}.Synthwell,
    baseURL: client.baseURL,
    hasChat: typeof client.chat.completions.create,
    errorIsAPIError: error instanceof ${sdk}.APIError,
    retryAfterMs: error.retryAfterMs,
  }));
`;

const expected = {
  client: 'function',
  isDefault: true,
  baseURL: 'http://localhost:4000/v1',
  hasChat: 'function',
  errorIsAPIError: true,
  retryAfterMs: 2000,
};

function jsFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => join(directory, file));
}

describe('the built package', () => {
  beforeAll(() => {
    // `turbo run test` builds first; a bare `vitest run` in a fresh checkout builds here.
    if (!existsSync(join(dist, 'esm/index.js')) || !existsSync(join(dist, 'cjs/index.js'))) {
      execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: packageRoot, stdio: 'inherit' });
    }
  });

  it('loads with import', () => {
    const script = `import * as sdk from '@synthwell/sdk'; ${probe('sdk')}`;
    expect(runNode(['--input-type=module', '-e', script])).toEqual(expected);
  });

  it('loads with require', () => {
    const script = `const sdk = require('@synthwell/sdk'); ${probe('sdk')}`;
    expect(runNode(['--input-type=commonjs', '-e', script])).toEqual(expected);
  });

  it('does not expose its internals', () => {
    const script = `import('@synthwell/sdk/dist/esm/internal/http-client.js').then(() => console.log('"exposed"'), (e) => console.log(JSON.stringify(e.code)))`;
    expect(runNode(['-e', script])).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('has no runtime dependencies: its JavaScript imports only its own files', () => {
    const specifiers = jsFiles(dist).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:from |require\(|import\()\s*['"]([^'"]+)['"]/g)].map(
        (match) => match[1],
      ),
    );
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((specifier) => !specifier?.startsWith('.'))).toEqual([]);
  });
});
