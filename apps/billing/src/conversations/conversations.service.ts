import { Inject, Injectable } from '@nestjs/common';
import { type Db, newId, type Tx } from '@synthwell/db';
import { BillingError } from '../core/errors.js';
import { DB } from '../core/tokens.js';
import type {
  ConversationPage,
  ConversationSummary,
  ConversationView,
  CreateConversationInput,
  MessageInput,
} from './conversations.schemas.js';

const SUMMARY = { id: true, title: true, model: true, createdAt: true, updatedAt: true } as const;
const MESSAGE = { id: true, role: true, content: true, model: true, createdAt: true } as const;

/** The web app's saved chats. Every query is scoped to the owner; others' conversations do not exist. */
@Injectable()
export class ConversationsService {
  constructor(@Inject(DB) private readonly db: Db) {}

  async list(userId: string, options: { limit: number; cursor?: string | undefined }): Promise<ConversationPage> {
    const items = await this.db.conversation.findMany({
      where: { userId, ...(options.cursor ? { updatedAt: { lt: new Date(options.cursor) } } : {}) },
      orderBy: { updatedAt: 'desc' },
      take: options.limit + 1,
      select: SUMMARY,
    });
    const page = items.slice(0, options.limit);
    const last = page.at(-1);
    return { items: page, nextCursor: items.length > options.limit && last ? last.updatedAt.toISOString() : null };
  }

  async get(userId: string, id: string): Promise<ConversationView> {
    const conversation = await this.db.conversation.findFirst({
      where: { id, userId },
      select: { ...SUMMARY, messages: { orderBy: { createdAt: 'asc' }, select: MESSAGE } },
    });
    if (!conversation) throw BillingError.notFound('No such conversation.');
    return conversation;
  }

  async create(userId: string, input: CreateConversationInput): Promise<ConversationView> {
    const id = newId('cnv');
    await this.db.$transaction(async (tx) => {
      await tx.conversation.create({ data: { id, userId, title: input.title, model: input.model } });
      await this.insertMessages(tx, id, input.messages);
    });
    return this.get(userId, id);
  }

  async append(userId: string, id: string, messages: MessageInput[]): Promise<ConversationView> {
    await this.db.$transaction(async (tx) => {
      await this.owned(tx, userId, id);
      await this.insertMessages(tx, id, messages);
      await tx.conversation.update({ where: { id }, data: { updatedAt: new Date() } });
    });
    return this.get(userId, id);
  }

  async rename(userId: string, id: string, title: string): Promise<ConversationSummary> {
    await this.owned(this.db, userId, id);
    return this.db.conversation.update({ where: { id }, data: { title }, select: SUMMARY });
  }

  async delete(userId: string, id: string): Promise<void> {
    const deleted = await this.db.conversation.deleteMany({ where: { id, userId } });
    if (deleted.count === 0) throw BillingError.notFound('No such conversation.');
  }

  private async owned(db: Db | Tx, userId: string, id: string): Promise<void> {
    const found = await db.conversation.findFirst({ where: { id, userId }, select: { id: true } });
    if (!found) throw BillingError.notFound('No such conversation.');
  }

  /** Messages get strictly increasing timestamps, after any already stored, so their order is kept. */
  private async insertMessages(tx: Tx, conversationId: string, messages: MessageInput[]): Promise<void> {
    const last = await tx.message.findFirst({
      where: { conversationId },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true },
    });
    const start = Math.max(Date.now(), (last?.createdAt.getTime() ?? 0) + 1);
    await tx.message.createMany({
      data: messages.map((message, index) => ({
        id: newId('msg'),
        conversationId,
        role: message.role,
        content: message.content,
        model: message.model ?? null,
        createdAt: new Date(start + index),
      })),
    });
  }
}
