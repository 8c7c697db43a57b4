import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type Db, newId, type Role } from '@synthwell/db';
import { DB } from '../core/tokens.js';

/** Sessions last 30 days from sign-in. */
const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
/** `last_seen_at` is a hint for users ("active 3 hours ago"); writing it at most this often is enough. */
const LAST_SEEN_WRITE_INTERVAL_MS = 10 * 60 * 1000;

/** The signed-in user behind a request, as every procedure and resolver sees it. */
export interface CurrentSession {
  sessionId: string;
  csrfToken: string;
  user: { id: string; email: string; name: string | null; role: Role };
}

export interface NewSession {
  /** The cookie's value; only its hash is stored. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Cookie sessions: random secrets stored as hashes, each with its own CSRF token. */
@Injectable()
export class SessionService {
  constructor(@Inject(DB) private readonly db: Db) {}

  async create(userId: string, client: ClientInfo): Promise<NewSession> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    await this.db.session.create({
      data: {
        id: newId('ses'),
        userId,
        tokenHash: hashToken(token),
        csrfSecret: csrfToken,
        userAgent: client.userAgent?.slice(0, 300) ?? null,
        ip: client.ip,
        expiresAt,
      },
    });
    return { token, csrfToken, expiresAt };
  }

  /** The live session for a cookie value: not expired, not revoked, its user not disabled. */
  async resolve(token: string | undefined): Promise<CurrentSession | null> {
    if (!token || token.length > 100) return null;
    const session = await this.db.session.findUnique({
      where: { tokenHash: hashToken(token) },
      select: {
        id: true,
        csrfSecret: true,
        expiresAt: true,
        revokedAt: true,
        lastSeenAt: true,
        user: { select: { id: true, email: true, name: true, role: true, disabledAt: true } },
      },
    });
    const now = Date.now();
    if (!session || session.revokedAt || session.expiresAt.getTime() <= now || session.user.disabledAt) return null;
    if (now - session.lastSeenAt.getTime() > LAST_SEEN_WRITE_INTERVAL_MS) {
      await this.db.session.update({ where: { id: session.id }, data: { lastSeenAt: new Date(now) } });
    }
    const { disabledAt: _disabled, ...user } = session.user;
    return { sessionId: session.id, csrfToken: session.csrfSecret, user };
  }

  async revoke(sessionId: string): Promise<void> {
    await this.db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  /** Signs out every other device, e.g. after a password change. */
  async revokeOthers(userId: string, keepSessionId: string): Promise<void> {
    await this.db.session.updateMany({
      where: { userId, revokedAt: null, id: { not: keepSessionId } },
      data: { revokedAt: new Date() },
    });
  }
}

/** Constant-time comparison of the `x-csrf-token` header with the session's token. */
export function csrfMatches(session: CurrentSession, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(session.csrfToken);
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
