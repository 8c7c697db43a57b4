// Trains the built-in offline models once, at image build time, into the directory given as the
// first argument. The gateway then loads them at start instead of training (see MODEL_CACHE_DIR).
import { createProviderRegistry } from '@synthwell/providers';

const cacheDir = process.argv[2];
if (!cacheDir) {
  console.error('usage: node warm-models.mjs CACHE_DIR');
  process.exit(2);
}
const registry = createProviderRegistry({ local: { cacheDir } });
await registry.ready();
console.log(`offline models cached in ${cacheDir}`);
