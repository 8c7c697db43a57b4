import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Synthwell from '@synthwell/sdk';

const client = new Synthwell();
const result = await client.images.generate({
  prompt: 'a lighthouse at dusk',
  size: '256x256',
  response_format: 'b64_json',
});
const path = join(tmpdir(), 'synthwell-lighthouse.png');
await writeFile(path, Buffer.from(result.data[0]?.b64_json ?? '', 'base64'));
console.log(`saved ${path}`);
