import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GATEWAY_NODE_OPTIONS } from './node-options.js';

const gatewayRoot = fileURLToPath(new URL('..', import.meta.url));

describe('the gateway’s Node options', () => {
  it('are passed by its start script', () => {
    const { scripts } = JSON.parse(readFileSync(join(gatewayRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.start).toBe(`node ${GATEWAY_NODE_OPTIONS.join(' ')} dist/main.js`);
  });

  it('are passed by its Docker image', () => {
    const dockerfile = readFileSync(join(gatewayRoot, '..', '..', 'infra', 'docker', 'gateway.Dockerfile'), 'utf8');
    const options = GATEWAY_NODE_OPTIONS.map((option) => `"${option}", `).join('');
    expect(dockerfile).toContain(`CMD ["node", "--enable-source-maps", ${options}"dist/main.js"]`);
  });
});
