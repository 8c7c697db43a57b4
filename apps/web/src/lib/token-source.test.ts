import { describe, expect, it, vi } from 'vitest';
import { cachedTokenSource } from './token-source';

describe('cachedTokenSource', () => {
  it('reuses a token until shortly before it expires, then fetches a new one', async () => {
    let now = 1_000;
    let issued = 0;
    const fetchToken = vi.fn(async () => ({ token: `swt_${++issued}`, expiresAt: now + 900 }));
    const tokens = cachedTokenSource(fetchToken, { marginSeconds: 30, now: () => now });
    expect(await tokens.get()).toBe('swt_1');
    now += 869;
    expect(await tokens.get()).toBe('swt_1');
    now += 1;
    expect(await tokens.get()).toBe('swt_2');
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('shares one fetch between concurrent callers, and fetches again after clear()', async () => {
    const fetchToken = vi.fn(async () => ({ token: 'swt_a', expiresAt: Date.now() / 1000 + 900 }));
    const tokens = cachedTokenSource(fetchToken);
    expect(await Promise.all([tokens.get(), tokens.get(), tokens.get()])).toEqual(['swt_a', 'swt_a', 'swt_a']);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    tokens.clear();
    await tokens.get();
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('lets a failed fetch be retried by the next call', async () => {
    const fetchToken = vi
      .fn()
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValueOnce({ token: 'swt_b', expiresAt: Date.now() / 1000 + 900 });
    const tokens = cachedTokenSource(fetchToken);
    await expect(tokens.get()).rejects.toThrow('offline');
    expect(await tokens.get()).toBe('swt_b');
  });
});
