import { vitestConfig } from '@synthwell/vitest-config';

// The browser suite starts the whole platform once; its steps share that run.
export default vitestConfig({ testTimeout: 60_000 });
