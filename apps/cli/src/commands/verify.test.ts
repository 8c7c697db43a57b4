import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROVENANCE_CHUNK_KEYWORD } from '@synthwell/contracts';
import { encodePng, renderCanvas } from '@synthwell/providers';
import {
  decodePixels,
  digestJsonl,
  embedProvenance,
  findText,
  generateSigningKey,
  itxtChunk,
  keyRing,
  publicKeySet,
  readChunks,
  type SigningKey,
  signManifest,
  verifyImage,
  verifyManifest,
  writeChunks,
} from '@synthwell/synthetic/signing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../cli.js';

/** Runs `synthwell …` with captured output and the given environment. */
async function synthwell(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  });
  return { code, stdout, stderr };
}

const SIZE = 64;

/** What the gateway's sw-canvas model makes of a prompt, signed the way the gateway signs it. */
function generatedImage(key: SigningKey): Uint8Array {
  const png = encodePng(renderCanvas({ prompt: 'a lighthouse in a storm', seed: 3, size: SIZE, detail: 'standard' }));
  return embedProvenance(
    png,
    {
      generator: 'sw-canvas',
      requestId: 'req_cli000000001',
      accountSha256: 'a'.repeat(64),
      promptSha256: 'b'.repeat(64),
      created: new Date('2026-11-20T10:00:00Z'),
    },
    key,
  );
}

/** Re-encodes `pixels` at the given height, carrying the original record over, as a careful editor would. */
function reencode(signed: Uint8Array, height: number, pixels: Uint8Array): Uint8Array {
  const record = findText(readChunks(signed), PROVENANCE_CHUNK_KEYWORD) as string;
  const [header, ...rest] = readChunks(encodePng({ width: SIZE, height, pixels }, 'Some Editor'));
  return writeChunks([header!, itxtChunk(PROVENANCE_CHUNK_KEYWORD, record), ...rest]);
}

/** A line of a job's JSONL download, as the gateway writes it. */
function recordLine(seq: number, depth: number): string {
  return JSON.stringify({
    id: `rec_${seq}`,
    object: 'synthetic.record',
    job_id: 'job_cli',
    seq,
    data: { instruction: `Question ${seq}?`, response: `Answer ${seq}.` },
    judge: { score: 8, rationale: 'fluent' },
    provenance: {
      synthetic: true,
      generator: 'sw-ngram-mini',
      judge: 'offline:rules+fluency',
      judge_score: 8,
      prompt_template_hash: 'c'.repeat(64),
      seed_ids: ['h1'],
      parent_ids: [],
      generation_depth: depth,
      job_id: 'job_cli',
      created_at: '2026-11-20T10:00:00.000Z',
    },
  });
}

describe('synthwell verify', () => {
  const key = generateSigningKey();
  const stranger = generateSigningKey();
  let dir: string;
  const path = (name: string) => join(dir, name);
  let signed: Uint8Array;
  let jsonl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synthwell-verify-'));
    signed = generatedImage(key);
    jsonl = `${[recordLine(0, 1), recordLine(1, 1), recordLine(2, 2)].join('\n')}\n`;
    const manifest = signManifest({ jobId: 'job_cli', digest: digestJsonl(jsonl), created: new Date() }, key);
    const { pixels } = decodePixels(readChunks(signed));
    const edited = Uint8Array.from(pixels);
    edited[100] = (edited[100]! + 40) & 0xff;
    await Promise.all([
      writeFile(path('edited.png'), reencode(signed, SIZE, edited)),
      // Human lines slipped in among synthetic ones: the count shows them, the digest refuses them.
      writeFile(path('mixed.jsonl'), `${jsonl}{"text":"a human sentence"}\n`),
      writeFile(path('keys.json'), JSON.stringify(publicKeySet(keyRing([key]).verifiers))),
      writeFile(path('stranger-keys.json'), JSON.stringify(publicKeySet(keyRing([stranger]).verifiers))),
      writeFile(path('image.png'), signed),
      writeFile(path('job_cli.jsonl'), jsonl),
      writeFile(path('job_cli.jsonl.manifest.json'), JSON.stringify(manifest)),
    ]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('offline, with the published keys', () => {
    it('accepts a freshly generated image and prints its record', async () => {
      const { code, stdout } = await synthwell(['verify', path('image.png'), '--keys', path('keys.json')]);
      expect(code).toBe(0);
      expect(stdout).toContain('image.png: valid');
      expect(stdout).toMatch(/generator\s+sw-canvas/);
      expect(stdout).toMatch(/request\s+req_cli000000001/);
      expect(stdout).toContain(`signed by   ${key.kid}`);
      expect(stdout).toContain('offline, with the keys in');
    });

    it('refuses an edited and a cropped copy, and a forged record, with the reason and exit code 1', async () => {
      const { pixels } = decodePixels(readChunks(signed));
      const cropped = pixels.slice(0, SIZE * (SIZE - 8) * 3);
      const record = JSON.parse(findText(readChunks(signed), PROVENANCE_CHUNK_KEYWORD) as string);
      const [header, , ...rest] = readChunks(signed);
      const forged = writeChunks([
        header!,
        itxtChunk(PROVENANCE_CHUNK_KEYWORD, JSON.stringify({ ...record, generator: 'a-camera' })),
        ...rest,
      ]);
      const cases: Array<[string, Uint8Array, string]> = [
        ['cropped.png', reencode(signed, SIZE - 8, cropped), 'pixels_modified'],
        ['forged.png', forged, 'bad_signature'],
        ['plain.png', encodePng({ width: SIZE, height: SIZE, pixels }), 'missing_record'],
      ];
      for (const [name, bytes, reason] of [...cases, ['edited.png', null, 'pixels_modified'] as const]) {
        if (bytes) await writeFile(path(name), bytes);
        const { code, stdout } = await synthwell(['verify', path(name), '--keys', path('keys.json')]);
        expect(code, name).toBe(1);
        expect(stdout, name).toContain(`${name}: NOT VALID: ${reason}`);
      }
    });

    it('refuses an image signed by a key it was not given', async () => {
      const { code, stdout } = await synthwell(['verify', path('image.png'), '--keys', path('stranger-keys.json')]);
      expect(code).toBe(1);
      expect(stdout).toContain('NOT VALID: unknown_key');
    });

    it('accepts a JSONL download with the manifest next to it, and reports its synthetic share and depths', async () => {
      const { code, stdout } = await synthwell(['verify', path('job_cli.jsonl'), '--keys', path('keys.json')]);
      expect(code).toBe(0);
      expect(stdout).toContain('job_cli.jsonl: valid');
      expect(stdout).toMatch(/job\s+job_cli/);
      expect(stdout).toContain('records     3: 3 synthetic (100.0%), 0 human');
      expect(stdout).toMatch(/generation depth\s+records/);
      expect(stdout).toMatch(/\n\s+1\s+2\n\s+2\s+1\n/);
    });

    it('prints the verdict as JSON with --json', async () => {
      const { code, stdout } = await synthwell([
        'verify',
        path('job_cli.jsonl'),
        '--keys',
        path('keys.json'),
        '--json',
      ]);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({
        kind: 'dataset',
        mode: 'offline',
        valid: true,
        reason: 'valid',
        manifest: { job_id: 'job_cli', records: 3, kid: key.kid },
        summary: {
          lines: 3,
          synthetic: 3,
          human: 0,
          depths: [
            { depth: 1, records: 2 },
            { depth: 2, records: 1 },
          ],
        },
      });
    });

    it('refuses a JSONL file that was changed, and a manifest that was', async () => {
      const verifyAgainst = (jsonlFile: string, manifestFile: string) =>
        synthwell(['verify', path(jsonlFile), '--manifest', path(manifestFile), '--keys', path('keys.json')]);
      const mixed = await verifyAgainst('mixed.jsonl', 'job_cli.jsonl.manifest.json');
      expect(mixed.code).toBe(1);
      expect(mixed.stdout).toContain('NOT VALID: digest_mismatch');
      expect(mixed.stdout).toContain('records     4: 3 synthetic (75.0%), 1 human');
      expect(mixed.stdout).toMatch(/0 \(human\)\s+1/);

      const manifest = JSON.parse(await readFile(path('job_cli.jsonl.manifest.json'), 'utf8'));
      await writeFile(path('inflated.json'), JSON.stringify({ ...manifest, records: 30 }));
      const inflated = await verifyAgainst('job_cli.jsonl', 'inflated.json');
      expect(inflated.code).toBe(1);
      expect(inflated.stdout).toContain('NOT VALID: bad_signature');

      await writeFile(path('junk.json'), 'not json');
      const junk = await verifyAgainst('job_cli.jsonl', 'junk.json');
      expect(junk.code).toBe(1);
      expect(junk.stdout).toContain('NOT VALID: malformed_manifest');

      const foreign = await synthwell(['verify', path('job_cli.jsonl'), '--keys', path('stranger-keys.json')]);
      expect(foreign.code).toBe(1);
      expect(foreign.stdout).toContain('NOT VALID: unknown_key');
    });
  });

  describe('online, asking the gateway', () => {
    const API_KEY = 'sk-sw-test-verify-key';
    let server: Server;
    let baseUrl: string;
    const received: Array<{ path: string; contentType: string | undefined; body: Buffer }> = [];

    /**
     * Answers the gateway's two verify routes over real HTTP with the verification code the gateway
     * itself runs, behind the same Bearer check.
     */
    beforeAll(async () => {
      const { verifiers } = keyRing([key]);
      server = createServer(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks);
        received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body });
        const send = (status: number, json: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(json));
        };
        if (req.headers.authorization !== `Bearer ${API_KEY}`) {
          return send(401, {
            error: { message: 'Invalid API key.', type: 'authentication_error', param: null, code: 'invalid_api_key' },
          });
        }
        if (req.url === '/v1/provenance/verify') return send(200, verifyImage(body, verifiers));
        if (req.url === '/v1/provenance/datasets/verify') {
          const { manifest, jsonl_sha256 } = JSON.parse(body.toString('utf8'));
          return send(200, verifyManifest(manifest, jsonl_sha256, verifiers));
        }
        send(404, { error: { message: 'no route', type: 'not_found_error', param: null, code: 'not_found' } });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('sends a PNG as it is and prints the verdict, with the key and URL from the environment', async () => {
      const env = { SYNTHWELL_API_KEY: API_KEY, SYNTHWELL_BASE_URL: baseUrl };
      const valid = await synthwell(['verify', path('image.png')], env);
      expect(valid.code).toBe(0);
      expect(valid.stdout).toContain('image.png: valid');
      expect(valid.stdout).toContain('checked     by the gateway');
      const last = received.at(-1);
      expect(last).toMatchObject({ path: '/v1/provenance/verify', contentType: 'image/png' });
      expect(last?.body.equals(Buffer.from(signed))).toBe(true);

      const edited = await synthwell(['verify', path('edited.png')], env);
      expect(edited.code).toBe(1);
      expect(edited.stdout).toContain('NOT VALID: pixels_modified');
    });

    it("sends a dataset's manifest and digest, never its records", async () => {
      const { code, stdout } = await synthwell([
        'verify',
        path('job_cli.jsonl'),
        '--base-url',
        baseUrl.replace(/\/v1$/, ''),
        '--api-key',
        API_KEY,
      ]);
      expect(code).toBe(0);
      expect(stdout).toContain('job_cli.jsonl: valid');
      const sent = JSON.parse(received.at(-1)?.body.toString('utf8') ?? '{}');
      expect(Object.keys(sent).sort()).toEqual(['jsonl_sha256', 'manifest']);
      expect(sent.jsonl_sha256).toBe(digestJsonl(jsonl).jsonl_sha256);

      const mixed = await synthwell(
        ['verify', path('mixed.jsonl'), '--manifest', path('job_cli.jsonl.manifest.json')],
        {
          SYNTHWELL_API_KEY: API_KEY,
          SYNTHWELL_BASE_URL: baseUrl,
        },
      );
      expect(mixed.code).toBe(1);
      expect(mixed.stdout).toContain('NOT VALID: digest_mismatch');
    });

    it('says why when the gateway refuses or cannot be reached, with exit code 1', async () => {
      const refused = await synthwell(['verify', path('image.png'), '--base-url', baseUrl, '--api-key', 'sk-sw-wrong']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('answered 401: Invalid API key.');
      const closed = await synthwell(['verify', path('image.png'), '--base-url', 'http://127.0.0.1:9/v1'], {
        SYNTHWELL_API_KEY: API_KEY,
      });
      expect(closed.code).toBe(1);
      expect(closed.stderr).toContain('could not reach http://127.0.0.1:9/v1/provenance/verify');
    });
  });

  it.each([
    [[], 'FILE is missing'],
    [['a.png', 'b.png', '--keys', 'k.json'], 'one FILE at a time'],
    [['image.png'], 'give --keys KEYS.json to verify offline, or an API key'],
    [['image.png', '--keys', 'keys.json', '--api-key', 'sk-sw-x'], '--keys verifies offline'],
    [['missing.png', '--keys', 'keys.json'], 'FILE: cannot read'],
    [['job_cli.jsonl', '--manifest', 'missing.json', '--keys', 'keys.json'], '--manifest: cannot read'],
    [['image.png', '--keys', 'image.png'], '--keys'],
    [['image.png', '--keys', 'keys.json', '--verbose'], "Unknown option '--verbose'"],
  ])('refuses %j with a usage error', async (args, message) => {
    const inDir = args.map((arg) => (/\.(png|json|jsonl)$/.test(arg) ? path(arg) : arg));
    const { code, stderr } = await synthwell(['verify', ...inDir]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage: synthwell verify');
  });
});
