import { Inject, Injectable } from '@nestjs/common';
import { ChatCompletionCreateParams, parsePlainChatRequest } from '@synthwell/contracts';
import type { Logger } from '@synthwell/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from '../auth/auth.service.js';
import { type Exchange, fastifyExchange } from '../core/exchange.js';
import { InFlight } from '../core/in-flight.js';
import { LOGGER } from '../core/tokens.js';
import { parseBody } from '../core/validation.js';
import type { GatewayError } from '../errors/gateway-error.js';
import { sendError, toGatewayError } from '../errors/openai-exception.filter.js';
import { ChatService } from './chat.service.js';

export const CHAT_COMPLETIONS_PATH = '/v1/chat/completions';

/**
 * `POST /v1/chat/completions`, the hot path. Plain HTTP/1.1 requests reach `serve` from the front
 * door (front-door/), which answers them on the socket without Node's HTTP server or Fastify; anything
 * the front door hands over reaches it through the Fastify route registered here. Either way it
 * authenticates, validates against the contract and hands over to ChatService, without the Nest
 * guard, interceptor and parameter-decorator machinery around each request (docs/benchmarks.md).
 */
@Injectable()
export class ChatRoute {
  constructor(
    private readonly auth: AuthService,
    private readonly chat: ChatService,
    private readonly inFlight: InFlight,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  register(fastify: FastifyInstance): void {
    fastify.post(CHAT_COMPLETIONS_PATH, (request, reply) => this.handle(request, reply));
  }

  /**
   * Answers one chat request: the completion's JSON text, or null when it was streamed to
   * `exchange.stream()`. Throws what the client must be told, with `failure` below.
   */
  async serve(exchange: Exchange, authorization: string | undefined, body: unknown): Promise<string | null> {
    // Counted in flight (begin/end rather than track's closure: this is the hot path).
    this.inFlight.begin();
    try {
      const caller = await this.auth.authenticate(authorization);
      // Plain text requests skip zod's object rebuilding; anything else gets the schema's verdict and errors.
      const params = parsePlainChatRequest(body) ?? parseBody(ChatCompletionCreateParams, body);
      if (params.stream) {
        await this.chat.stream(caller, params, exchange);
        return null;
      }
      return JSON.stringify(await this.chat.complete(caller, params, exchange));
    } finally {
      this.inFlight.end();
    }
  }

  /** What `serve` threw, as the error the client gets; logged when it is the gateway's fault. */
  failure(exception: unknown, requestId: string): GatewayError {
    const error = toGatewayError(exception);
    if (error.status >= 500) {
      this.logger.error({ err: exception, requestId, route: CHAT_COMPLETIONS_PATH }, 'request failed');
    }
    return error;
  }

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    try {
      const json = await this.serve(fastifyExchange(request, reply), request.headers.authorization, request.body);
      if (json === null) return undefined;
      return reply.header('content-type', 'application/json; charset=utf-8').send(json);
    } catch (exception) {
      sendError(reply, this.failure(exception, request.id));
      return reply.sent ? reply : undefined;
    }
  }
}
