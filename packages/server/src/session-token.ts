import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived tokens that billing issues to signed-in web users and the gateway verifies offline:
 * `swt_` + base64url(JSON claims) + `.` + base64url(HMAC-SHA256). Several secrets may be configured
 * (comma-separated) so the signing secret can rotate: the first signs, all verify.
 */
export interface SessionClaims {
  /** User id. */
  sub: string;
  role: 'user' | 'admin';
  /** Issued at and expiry, seconds since the epoch. */
  iat: number;
  exp: number;
}

export const SESSION_TOKEN_PREFIX = 'swt_';
/** The longest a token may live; PRODUCT.md asks for at most 15 minutes. */
export const MAX_SESSION_TOKEN_TTL_SECONDS = 15 * 60;

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function issueSessionToken(
  claims: { sub: string; role: 'user' | 'admin' },
  secrets: readonly string[],
  options: { ttlSeconds?: number; now?: number } = {},
): { token: string; expiresAt: number } {
  const [secret] = secrets;
  if (!secret) throw new Error('No session token secret configured.');
  const ttl = Math.min(options.ttlSeconds ?? MAX_SESSION_TOKEN_TTL_SECONDS, MAX_SESSION_TOKEN_TTL_SECONDS);
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const body: SessionClaims = { sub: claims.sub, role: claims.role, iat, exp: iat + ttl };
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return { token: `${SESSION_TOKEN_PREFIX}${payload}.${sign(payload, secret)}`, expiresAt: body.exp };
}

export type SessionTokenResult =
  | { ok: true; claims: SessionClaims }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifySessionToken(token: string, secrets: readonly string[], now = Date.now()): SessionTokenResult {
  if (!token.startsWith(SESSION_TOKEN_PREFIX)) return { ok: false, reason: 'malformed' };
  const [payload, signature, extra] = token.slice(SESSION_TOKEN_PREFIX.length).split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(signature, 'base64url');
  const valid = secrets.some((secret) => {
    const expected = Buffer.from(sign(payload, secret), 'base64url');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) return { ok: false, reason: 'bad_signature' };
  let claims: SessionClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (
    typeof claims.sub !== 'string' ||
    typeof claims.exp !== 'number' ||
    (claims.role !== 'user' && claims.role !== 'admin')
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (claims.exp * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
