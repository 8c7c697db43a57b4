// Writes docs/api/openapi.json from the contracts (run after a build). A test fails while the copy is stale.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../dist/index.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'api', 'openapi.json');
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
console.log(`wrote ${target}`);
