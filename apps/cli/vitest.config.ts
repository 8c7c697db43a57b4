import { vitestConfig } from '@synthwell/vitest-config';

export default vitestConfig();
