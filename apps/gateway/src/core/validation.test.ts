import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_BODY_NESTING, parseBody } from './validation.js';

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

describe('parseBody', () => {
  const Free = z.record(z.string(), z.unknown());

  it(`takes a body nested ${MAX_BODY_NESTING} levels deep`, () => {
    expect(parseBody(Free, nested(MAX_BODY_NESTING))).toEqual(nested(MAX_BODY_NESTING));
  });

  it('refuses a deeper body with 400 before anything walks it recursively', () => {
    for (const depth of [MAX_BODY_NESTING + 1, 500_000]) {
      let refused: unknown;
      try {
        parseBody(Free, nested(depth));
      } catch (error) {
        refused = error;
      }
      expect(refused).toMatchObject({ status: 400, message: expect.stringMatching(/nests deeper/) });
    }
  });
});
