import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('newId', () => {
  it('carries its type prefix and sorts by creation time', async () => {
    const first = newId('usr');
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = newId('usr');
    expect(first).toMatch(/^usr_[0-9a-z]{25}$/);
    expect(first < second).toBe(true);
  });
});
