import { Inject, Injectable } from '@nestjs/common';
import { ChatCompletionCreateParams, parsePlainChatRequest } from '@synthwell/contracts';
import type { Logger } from '@synthwell/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from '../auth/auth.service.js';
import { LOGGER } from '../core/tokens.js';
import { parseBody } from '../core/validation.js';
import { sendError, toGatewayError } from '../errors/openai-exception.filter.js';
import { ChatService } from './chat.service.js';

export const CHAT_COMPLETIONS_PATH = '/v1/chat/completions';

/**
 * `POST /v1/chat/completions`, the hot path, registered on Fastify directly rather than as a Nest
 * controller. It does what the controller pipeline did — authenticate, validate against the
 * contract, hand over to ChatService, answer errors in OpenAI's shape — without the guard,
 * interceptor and parameter-decorator machinery around each request, which cost about as much CPU
 * as the rest of the gateway's work for a small completion (docs/benchmarks.md). The global hooks
 * (request id, CORS, overhead header, metrics) apply as to every route.
 */
@Injectable()
export class ChatRoute {
  constructor(
    private readonly auth: AuthService,
    private readonly chat: ChatService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  register(fastify: FastifyInstance): void {
    fastify.post(CHAT_COMPLETIONS_PATH, (request, reply) => this.handle(request, reply));
  }

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    try {
      const caller = await this.auth.authenticate(request.headers.authorization);
      request.caller = caller;
      // Plain text requests skip zod's object rebuilding; anything else gets the schema's verdict and errors.
      const params = parsePlainChatRequest(request.body) ?? parseBody(ChatCompletionCreateParams, request.body);
      if (params.stream) {
        await this.chat.stream(caller, params, request, reply);
        return undefined;
      }
      const completion = await this.chat.complete(caller, params, request, reply);
      return reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(completion));
    } catch (exception) {
      const error = toGatewayError(exception);
      if (error.status >= 500) {
        this.logger.error({ err: exception, requestId: request.id, route: CHAT_COMPLETIONS_PATH }, 'request failed');
      }
      sendError(reply, error);
      return reply.sent ? reply : undefined;
    }
  }
}
