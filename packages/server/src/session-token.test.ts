import { describe, expect, it } from 'vitest';
import { issueSessionToken, verifySessionToken } from './session-token.js';

const secrets = ['a'.repeat(32)];

describe('session tokens', () => {
  it('verify offline until they expire, at most 15 minutes after issue', () => {
    const now = Date.UTC(2026, 0, 1);
    const { token, expiresAt } = issueSessionToken({ sub: 'usr_1', role: 'user' }, secrets, { now, ttlSeconds: 3600 });
    expect(expiresAt - now / 1000).toBe(15 * 60);
    const result = verifySessionToken(token, secrets, now + 60_000);
    expect(result).toEqual({ ok: true, claims: { sub: 'usr_1', role: 'user', iat: now / 1000, exp: expiresAt } });
    expect(verifySessionToken(token, secrets, now + 15 * 60_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('reject tampered claims, foreign secrets and malformed tokens', () => {
    const { token } = issueSessionToken({ sub: 'usr_1', role: 'user' }, secrets);
    const [payload, signature] = token.slice(4).split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin' }),
    ).toString('base64url');
    expect(verifySessionToken(`swt_${forged}.${signature}`, secrets)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySessionToken(token, ['b'.repeat(32)])).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySessionToken('swt_abc', secrets)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySessionToken('Bearer x', secrets)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('keep verifying with the old secret while a new one signs (rotation)', () => {
    const old = issueSessionToken({ sub: 'usr_1', role: 'admin' }, ['old'.padEnd(32, 'x')]).token;
    const rotated = ['new'.padEnd(32, 'x'), 'old'.padEnd(32, 'x')];
    expect(verifySessionToken(old, rotated).ok).toBe(true);
    expect(
      verifySessionToken(issueSessionToken({ sub: 'u', role: 'user' }, rotated).token, ['old'.padEnd(32, 'x')]).ok,
    ).toBe(false);
  });
});
