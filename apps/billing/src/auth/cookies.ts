/** The session cookie: its value is a random secret whose SHA-256 is `sessions.token_hash`. */
export const SESSION_COOKIE = 'sw_session';

/** The value of one cookie from a `Cookie` header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() !== name) continue;
    const value = part.slice(index + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * `Set-Cookie` for the session: HttpOnly (scripts cannot read it), SameSite=Lax (not sent on
 * cross-site subrequests or POSTs), Secure when served over TLS. An `expires` in the past clears it.
 */
export function sessionCookie(value: string, options: { expires: Date; secure: boolean }): string {
  const parts = [
    `${SESSION_COOKIE}=${encodeURIComponent(value)}`,
    'Path=/',
    `Expires=${options.expires.toUTCString()}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', { expires: new Date(0), secure });
}
