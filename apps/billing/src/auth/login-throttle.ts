import { Inject, Injectable } from '@nestjs/common';
import type { Db } from '@synthwell/db';
import { BillingError } from '../core/errors.js';
import { DB } from '../core/tokens.js';

/** Failed sign-ins allowed per window before further attempts are refused. */
export const LOGIN_LIMITS = { windowMs: 15 * 60 * 1000, perEmail: 5, perIp: 20 } as const;

/**
 * Slows password guessing: after 5 failures for one email (since its last success) or 20 from one
 * IP within 15 minutes, sign-in answers 429 with the time until the oldest failure leaves the window.
 */
@Injectable()
export class LoginThrottle {
  constructor(@Inject(DB) private readonly db: Db) {}

  async check(email: string, ip: string | null, now = Date.now()): Promise<void> {
    const since = new Date(now - LOGIN_LIMITS.windowMs);
    const lastSuccess = await this.db.loginAttempt.findFirst({
      where: { email, succeeded: true, createdAt: { gte: since } },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true },
    });
    const emailSince = lastSuccess?.createdAt ?? since;
    const byEmail = await this.failures({ email, createdAt: { gt: emailSince } }, LOGIN_LIMITS.perEmail);
    const byIp = ip ? await this.failures({ ip, createdAt: { gt: since } }, LOGIN_LIMITS.perIp) : null;
    const blockedUntil = Math.max(byEmail ?? 0, byIp ?? 0);
    if (blockedUntil > now) {
      const seconds = Math.ceil((blockedUntil - now) / 1000);
      throw new BillingError(
        'TOO_MANY_REQUESTS',
        `Too many failed sign-ins. Try again in ${Math.ceil(seconds / 60)} minute${seconds > 60 ? 's' : ''}.`,
        seconds,
      );
    }
  }

  async record(email: string, ip: string | null, succeeded: boolean): Promise<void> {
    await this.db.loginAttempt.create({ data: { email, ip, succeeded } });
  }

  /** When the limit stops applying (ms), or null when under it. */
  private async failures(
    where: { email?: string; ip?: string; createdAt: { gt: Date } },
    limit: number,
  ): Promise<number | null> {
    const recent = await this.db.loginAttempt.findMany({
      where: { ...where, succeeded: false },
      orderBy: { createdAt: 'desc' },
      take: limit,
      select: { createdAt: true },
    });
    const oldest = recent[limit - 1];
    return oldest ? oldest.createdAt.getTime() + LOGIN_LIMITS.windowMs : null;
  }
}
