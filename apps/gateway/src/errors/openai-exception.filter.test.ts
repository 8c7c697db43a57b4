import { describe, expect, it } from 'vitest';
import { toGatewayError } from './openai-exception.filter.js';

describe('toGatewayError', () => {
  it('answers a stack overflow from walking a deeply nested body with 400', () => {
    let nested: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) nested = [nested];
    let overflow: unknown;
    try {
      JSON.stringify(nested);
    } catch (error) {
      overflow = error;
    }
    expect(overflow).toBeInstanceOf(RangeError);
    expect(toGatewayError(overflow).toBody().error).toMatchObject({ type: 'invalid_request_error' });
    expect(toGatewayError(overflow).status).toBe(400);
  });

  it('leaves any other range error a 500', () => {
    expect(toGatewayError(new RangeError('Invalid array length')).status).toBe(500);
  });
});
