import { vitestConfig } from '@synthwell/vitest-config';

// Decorators: the manifest tests import the services' env schemas, whose packages carry NestJS modules.
export default vitestConfig({ decorators: true });
