import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CurrentSession } from '../auth/session.service.js';

/** What every admin resolver receives: the cookie session (if any) and whether the CSRF header matched. */
export interface AdminContext {
  req: FastifyRequest;
  reply: FastifyReply;
  session: CurrentSession | null;
  csrfOk: boolean;
}
