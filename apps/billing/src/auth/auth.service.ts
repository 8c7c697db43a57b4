import { Inject, Injectable } from '@nestjs/common';
import { type Db, hashPassword, newId, Prisma, verifyPassword } from '@synthwell/db';
import { issueSessionToken } from '@synthwell/server';
import type { BillingConfig } from '../config/env.js';
import { BillingError } from '../core/errors.js';
import { BILLING_CONFIG, DB } from '../core/tokens.js';
import type { ChangePasswordInput, GatewayToken, SignInInput, SignUpInput } from './auth.schemas.js';
import { LoginThrottle } from './login-throttle.js';
import { type ClientInfo, type CurrentSession, type NewSession, SessionService } from './session.service.js';

/** Gateway tokens live 15 minutes, the most PRODUCT.md allows; the web app asks for a new one before expiry. */
const GATEWAY_TOKEN_TTL_SECONDS = 15 * 60;

/** Compared against when the email is unknown, so a miss costs as long as a wrong password. */
let dummyHash: Promise<string> | undefined;
function timingEqualiser(): Promise<string> {
  dummyHash ??= hashPassword('synthwell-timing-equaliser');
  return dummyHash;
}

export interface SignedIn {
  session: NewSession;
  user: CurrentSession['user'];
}

/** Accounts: sign-up, sign-in with throttling, sign-out, password change, gateway tokens. */
@Injectable()
export class AuthService {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(BILLING_CONFIG) private readonly config: BillingConfig,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottle,
  ) {}

  async signUp(input: SignUpInput, client: ClientInfo): Promise<SignedIn> {
    const passwordHash = await hashPassword(input.password);
    try {
      const user = await this.db.user.create({
        data: { id: newId('usr'), email: input.email, name: input.name ?? null, passwordHash },
        select: { id: true, email: true, name: true, role: true },
      });
      return { user, session: await this.sessions.create(user.id, client) };
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw BillingError.conflict('An account with this email already exists. Sign in instead.');
      }
      throw error;
    }
  }

  async signIn(input: SignInInput, client: ClientInfo): Promise<SignedIn> {
    await this.throttle.check(input.email, client.ip);
    const user = await this.db.user.findUnique({
      where: { email: input.email },
      select: { id: true, email: true, name: true, role: true, passwordHash: true, disabledAt: true },
    });
    const valid = await verifyPassword(input.password, user?.passwordHash ?? (await timingEqualiser()));
    await this.throttle.record(input.email, client.ip, Boolean(user && valid));
    if (!user || !valid) throw BillingError.unauthorized('Incorrect email or password.');
    if (user.disabledAt) throw BillingError.forbidden('This account is disabled.');
    const { passwordHash: _hash, disabledAt: _disabled, ...profile } = user;
    return { user: profile, session: await this.sessions.create(user.id, client) };
  }

  async signOut(session: CurrentSession): Promise<void> {
    await this.sessions.revoke(session.sessionId);
  }

  /** Changes the password and signs out every other session; this one stays signed in. */
  async changePassword(session: CurrentSession, input: ChangePasswordInput): Promise<void> {
    const user = await this.db.user.findUniqueOrThrow({
      where: { id: session.user.id },
      select: { passwordHash: true },
    });
    if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
      throw BillingError.badRequest('The current password is incorrect.');
    }
    if (input.currentPassword === input.newPassword) {
      throw BillingError.badRequest('Choose a password different from the current one.');
    }
    await this.db.user.update({
      where: { id: session.user.id },
      data: { passwordHash: await hashPassword(input.newPassword) },
    });
    await this.sessions.revokeOthers(session.user.id, session.sessionId);
  }

  /** A short-lived token the gateway verifies offline (`Authorization: Bearer swt_…`). */
  gatewayToken(session: CurrentSession): GatewayToken {
    return issueSessionToken({ sub: session.user.id, role: session.user.role }, this.config.SESSION_TOKEN_SECRETS, {
      ttlSeconds: GATEWAY_TOKEN_TTL_SECONDS,
    });
  }
}
