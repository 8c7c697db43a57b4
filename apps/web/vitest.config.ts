import { vitestConfig } from '@synthwell/vitest-config';
import { mergeConfig } from 'vitest/config';

// Each browser suite starts the whole platform once and its steps share that run. The suites run one
// after another: several platforms training models at once on a small machine only slow each other down.
export default mergeConfig(vitestConfig({ testTimeout: 60_000 }), { test: { fileParallelism: false } });
