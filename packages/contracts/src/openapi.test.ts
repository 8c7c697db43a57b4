import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.js';

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument() as {
    openapi: string;
    paths: Record<string, Record<string, { requestBody?: unknown }>>;
    components: {
      schemas: Record<
        string,
        { properties?: Record<string, unknown>; required?: string[]; additionalProperties?: unknown }
      >;
    };
  };

  it('is OpenAPI 3.1 with every gateway route', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/models', '/v1/chat/completions', '/v1/images/generations', '/v1/usage']),
    );
  });

  it('describes the chat request from the same schema the gateway validates with', () => {
    const chat = doc.components.schemas.ChatCompletionCreateParams;
    expect(chat?.required).toEqual(expect.arrayContaining(['model', 'messages']));
    expect(Object.keys(chat?.properties ?? {})).toEqual(
      expect.arrayContaining(['temperature', 'stream', 'stream_options', 'tools']),
    );
    expect(chat?.additionalProperties).toBe(false);
  });

  it("lists and deletes the caller's images, and marks locked models in the catalog", () => {
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/images', '/v1/images/{id}']));
    expect(Object.keys(doc.paths['/v1/images/{id}'] ?? {})).toEqual(['delete']);
    expect(Object.keys(doc.components.schemas.StoredImage?.properties ?? {})).not.toContain('prompt');
    expect(doc.components.schemas.CatalogModel?.required).toEqual(expect.arrayContaining(['available', 'plans']));
  });

  it('resolves every $ref it uses', () => {
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? [];
    for (const ref of refs) expect(doc.components.schemas[ref.split('/').pop() ?? '']).toBeDefined();
  });
});

describe('the committed copy in docs/api/openapi.json', () => {
  it('is up to date (npm run openapi -w @synthwell/contracts rewrites it)', async () => {
    const { readFile } = await import('node:fs/promises');
    const committed = JSON.parse(await readFile(new URL('../../../docs/api/openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });
});
