import { createRequire } from 'node:module';
import { vitestConfig } from '@synthwell/vitest-config';
import { mergeConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default mergeConfig(vitestConfig({ decorators: true, testTimeout: 60_000 }), {
  resolve: {
    // Node loads graphql's CommonJS build (for mercurius and @nestjs/graphql too); vite would pick its ES
    // build for our sources, and graphql refuses schema objects from "another realm". One copy for all.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
});
