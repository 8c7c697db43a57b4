// Shared vitest settings. Workspace packages resolve to their TypeScript sources (the `source`
// export condition), so tests see the code as written; `swc` compiles decorators with metadata
// for the NestJS apps, which esbuild cannot.
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/** @param {{ decorators?: boolean, testTimeout?: number, setupFiles?: string[] }} [options] */
export function vitestConfig(options = {}) {
  return defineConfig({
    plugins: options.decorators
      ? [
          swc.vite({
            jsc: {
              parser: { syntax: 'typescript', decorators: true },
              transform: { legacyDecorator: true, decoratorMetadata: true },
              target: 'es2022',
            },
          }),
        ]
      : [],
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: 120_000,
      setupFiles: options.setupFiles ?? [],
      pool: 'forks',
      reporters: process.env.CI ? ['default'] : ['default'],
    },
  });
}
