import { verifySessionToken } from '@synthwell/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_SECRET, startTestBilling, type TestBilling } from './harness.js';

describe('accounts and sessions', () => {
  let t: TestBilling;

  beforeAll(async () => {
    t = await startTestBilling();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('signs up into an HttpOnly, SameSite=Lax session cookie whose secret is stored only as a hash', async () => {
    const client = t.client();
    const response = await client.fetch('/trpc/auth.signUp', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: '  New.Person@Example.com ',
        password: 'a long enough password',
        name: 'New Person',
      }),
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/^sw_session=[^;]+; Path=\/; Expires=.+; HttpOnly; SameSite=Lax$/);
    const secret = client.cookies.get('sw_session') ?? '';
    const me = await client.query<{ user: { email: string; role: string; name: string } }>('auth.session');
    expect(me.user).toMatchObject({ email: 'new.person@example.com', role: 'user', name: 'New Person' });
    const stored = await t.db.session.findMany({ where: { user: { email: 'new.person@example.com' } } });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.tokenHash).not.toContain(secret);
    expect(stored[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('signs in, signs out, and the old cookie no longer works', async () => {
    const { client, email, password } = await t.user();
    await client.mutation('auth.signOut');
    expect(await client.query('auth.session')).toBeNull();
    const again = t.client();
    await again.mutation('auth.signIn', { email, password });
    const cookie = again.cookies.get('sw_session');
    await again.mutation('auth.signOut');
    const replay = t.client();
    replay.cookies.set('sw_session', cookie ?? '');
    expect(await replay.query('auth.session')).toBeNull();
  });

  it('refuses a second account for the same email and wrong passwords, alike for unknown emails', async () => {
    const { email } = await t.user();
    const duplicate = await t
      .client()
      .failure(t.client().mutation('auth.signUp', { email: email.toUpperCase(), password: 'another long password' }));
    expect(duplicate).toMatchObject({ status: 409, code: 'CONFLICT' });
    const wrong = await t.client().failure(t.client().mutation('auth.signIn', { email, password: 'not the password' }));
    const unknown = await t
      .client()
      .failure(t.client().mutation('auth.signIn', { email: 'nobody@example.com', password: 'whatever it is' }));
    expect(wrong).toMatchObject({ status: 401, message: 'Incorrect email or password.' });
    expect(unknown).toMatchObject({ status: 401, message: 'Incorrect email or password.' });
  });

  it('throttles guessing: the sixth failure for one email within 15 minutes is 429 with a retry time', async () => {
    const { email, password } = await t.user();
    const guesser = t.client();
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(
        (await guesser.failure(guesser.mutation('auth.signIn', { email, password: `guess ${attempt}` }))).status,
      ).toBe(401);
    }
    const blocked = await guesser.failure(guesser.mutation('auth.signIn', { email, password }));
    expect(blocked).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
    expect(blocked.data.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(blocked.data.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
  });

  it('throttles one IP after 20 failures across many emails', async () => {
    const guesser = t.client();
    const target = await t.user();
    try {
      // 19 failures from this IP on record, then one more through the API.
      await t.db.loginAttempt.createMany({
        data: Array.from({ length: 19 }, (_, index) => ({
          email: `spray-${index}@example.com`,
          ip: '127.0.0.1',
          succeeded: false,
        })),
      });
      await guesser.failure(
        guesser.mutation('auth.signIn', { email: 'spray-19@example.com', password: 'password123' }),
      );
      // The right password for an account with no failures of its own is refused too: the IP is blocked.
      const blocked = await guesser.failure(
        guesser.mutation('auth.signIn', { email: target.email, password: target.password }),
      );
      expect(blocked.status).toBe(429);
    } finally {
      // Every test client shares 127.0.0.1: unblock it for the tests that follow.
      await t.db.loginAttempt.deleteMany({ where: { succeeded: false } });
    }
  });

  it('changes the password, signs out other sessions and keeps this one', async () => {
    const { client, email, password } = await t.user();
    const other = t.client();
    await other.mutation('auth.signIn', { email, password });
    const wrong = await client.failure(
      client.mutation('auth.changePassword', { currentPassword: 'wrong one!', newPassword: 'a brand new password' }),
    );
    expect(wrong).toMatchObject({ status: 400, message: 'The current password is incorrect.' });
    await client.mutation('auth.changePassword', { currentPassword: password, newPassword: 'a brand new password' });
    expect(await client.query('auth.session')).not.toBeNull();
    expect(await other.query('auth.session')).toBeNull();
    await t.client().mutation('auth.signIn', { email, password: 'a brand new password' });
  });

  it('issues gateway tokens of at most 15 minutes that verify offline with the shared secret', async () => {
    const { client, userId } = await t.user();
    const { token, expiresAt } = await client.mutation<{ token: string; expiresAt: number }>('auth.sessionToken');
    const verified = verifySessionToken(token, [SESSION_SECRET]);
    expect(verified).toMatchObject({ ok: true, claims: { sub: userId, role: 'user' } });
    expect(expiresAt - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(15 * 60);
    expect(verifySessionToken(token, [SESSION_SECRET], (expiresAt + 1) * 1000)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('answers bad input with clear messages naming the field', async () => {
    const client = t.client();
    const email = await client.failure(
      client.mutation('auth.signUp', { email: 'not-an-email', password: 'long enough pw' }),
    );
    expect(email).toMatchObject({ status: 400, code: 'BAD_REQUEST', message: 'email: Enter a valid email address.' });
    const short = await client.failure(client.mutation('auth.signUp', { email: 'ok@example.com', password: 'short' }));
    expect(short.message).toBe('password: Passwords need at least 10 characters.');
    expect(short.data.fieldErrors).toEqual({ password: ['Passwords need at least 10 characters.'] });
    const long = await client.failure(
      client.mutation('auth.signUp', { email: `${'a'.repeat(250)}@example.com`, password: 'long enough pw' }),
    );
    expect(long.message).toBe('email: Email addresses are at most 254 characters.');
    const name = await client.failure(
      client.mutation('auth.signUp', { email: 'ok@example.com', password: 'long enough pw', name: 'n'.repeat(101) }),
    );
    expect(name.message).toBe('name: Names are at most 100 characters.');
    const huge = await client.failure(
      client.mutation('auth.signIn', { email: 'ok@example.com', password: 'p'.repeat(201) }),
    );
    expect(huge.message).toBe('password: Passwords are at most 200 characters.');
  });
});
