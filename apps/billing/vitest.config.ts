import { vitestConfig } from '@synthwell/vitest-config';

export default vitestConfig({ decorators: true, testTimeout: 60_000 });
