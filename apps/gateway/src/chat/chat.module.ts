import { Module } from '@nestjs/common';
import { ChatRoute } from './chat.route.js';
import { ChatService } from './chat.service.js';

/** Chat completions. The route is registered on Fastify by `bootstrap` (see ChatRoute), not as a controller. */
@Module({ providers: [ChatService, ChatRoute], exports: [ChatRoute] })
export class ChatModule {}
