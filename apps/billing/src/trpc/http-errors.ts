import type { Logger } from '@synthwell/server';
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** What Fastify may refuse on /trpc before tRPC runs, as tRPC's codes. */
const REFUSALS: Record<number, { code: TRPC_ERROR_CODE_KEY; message?: string }> = {
  400: { code: 'BAD_REQUEST' },
  413: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send the input as JSON (content-type application/json).' },
};

/**
 * Keeps every /trpc answer in tRPC's error shape, `{ error: { message, code, data: { code, httpStatus,
 * path } } }`, also when Fastify refuses a request before tRPC sees it (a body over the limit, a
 * content type it has no parser for), and labels tRPC's own refusals of a content type as JSON.
 */
export function keepTrpcErrorShape(scope: FastifyInstance, logger: Logger): void {
  scope.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const status = error.statusCode ?? 500;
    const refusal = REFUSALS[status] ?? (status >= 400 && status < 500 ? { code: 'BAD_REQUEST' as const } : null);
    if (!refusal) logger.error({ err: error, url: request.url }, 'tRPC request failed before its procedure');
    const code = refusal?.code ?? 'INTERNAL_SERVER_ERROR';
    const httpStatus = refusal ? status : 500;
    const path = (request.params as { path?: unknown } | undefined)?.path;
    void reply
      .status(httpStatus)
      .type('application/json; charset=utf-8')
      .send({
        error: {
          message: refusal ? (refusal.message ?? error.message) : 'Internal server error.',
          code: TRPC_ERROR_CODES_BY_KEY[code],
          data: { code, httpStatus, ...(typeof path === 'string' ? { path } : {}) },
        },
      });
  });
  scope.addHook('onSend', async (_request, _reply, payload) => {
    // tRPC answers an unsupported content type with a JSON body labelled text/plain.
    if (!(payload instanceof Response) || payload.status < 400) return payload;
    if (!payload.headers.get('content-type')?.startsWith('text/plain')) return payload;
    const headers = new Headers(payload.headers);
    headers.set('content-type', 'application/json; charset=utf-8');
    return new Response(payload.body, { status: payload.status, statusText: payload.statusText, headers });
  });
}
