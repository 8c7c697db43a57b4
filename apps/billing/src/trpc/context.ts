import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditService } from '../audit/audit.service.js';
import type { AuthService } from '../auth/auth.service.js';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from '../auth/cookies.js';
import type { ClientInfo, CurrentSession, SessionService } from '../auth/session.service.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import type { InvoicesService } from '../invoices/invoices.service.js';
import type { KeysService } from '../keys/keys.service.js';
import type { PlansService } from '../plans/plans.service.js';
import type { SubscriptionsService } from '../plans/subscriptions.service.js';
import type { CheckoutService } from '../stripe/checkout.service.js';
import type { OverageReporter } from '../usage/overage.reporter.js';
import type { UsageService } from '../usage/usage.service.js';

/** The services procedures call, taken from the Nest container once at start-up. */
export interface TrpcServices {
  auth: AuthService;
  sessions: SessionService;
  keys: KeysService;
  plans: PlansService;
  subscriptions: SubscriptionsService;
  checkout: CheckoutService;
  invoices: InvoicesService;
  usage: UsageService;
  overage: OverageReporter;
  conversations: ConversationsService;
  audit: AuditService;
}

/** Sets and clears the session cookie on the response. */
export interface SessionCookies {
  set(token: string, expiresAt: Date): void;
  clear(): void;
}

export interface TrpcContext {
  services: TrpcServices;
  /** The cookie's live session, or null. */
  session: CurrentSession | null;
  /** The `x-csrf-token` header, checked on cookie-authenticated mutations. */
  csrfToken: string | undefined;
  client: ClientInfo;
  cookies: SessionCookies;
}

/**
 * Builds each request's context. The cookie is Secure when the request came over TLS or the service's
 * public URL is https (TLS ended at a proxy).
 */
export function contextFactory(services: TrpcServices, publicUrl: string) {
  return async ({ req, res }: { req: FastifyRequest; res: FastifyReply }): Promise<TrpcContext> => {
    const secure = req.protocol === 'https' || publicUrl.startsWith('https:');
    const csrf = req.headers['x-csrf-token'];
    return {
      services,
      session: await services.sessions.resolve(readCookie(req.headers.cookie, SESSION_COOKIE)),
      csrfToken: Array.isArray(csrf) ? csrf[0] : csrf,
      client: { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null },
      cookies: {
        set: (token, expiresAt) => void res.header('set-cookie', sessionCookie(token, { expires: expiresAt, secure })),
        clear: () => void res.header('set-cookie', clearedSessionCookie(secure)),
      },
    };
  };
}
