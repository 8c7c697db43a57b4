import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { type ChatCompletion, ChatCompletionCreateParams } from '@synthwell/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthGuard, CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../core/caller.js';
import { parseBody } from '../core/validation.js';
import { ChatService } from './chat.service.js';

@Controller('v1/chat')
@UseGuards(AuthGuard)
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Post('completions')
  @HttpCode(200)
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ChatCompletion | undefined> {
    const params = parseBody(ChatCompletionCreateParams, body);
    if (params.stream) {
      await this.chat.stream(caller, params, request, reply);
      return undefined;
    }
    return this.chat.complete(caller, params, request, reply);
  }
}
