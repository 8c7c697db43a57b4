import { vitestConfig } from '@synthwell/vitest-config';

export default vitestConfig({ testTimeout: 180_000 });
