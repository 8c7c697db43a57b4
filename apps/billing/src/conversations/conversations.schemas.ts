import { z } from 'zod';
import { Timestamp } from '../core/timestamp.js';

const Id = z.string().min(1).max(64);
const Title = z.string().trim().min(1, 'Titles cannot be empty.').max(200, 'Titles are at most 200 characters.');
const Model = z.string().min(1).max(100, 'Model ids are at most 100 characters.');

export const MessageInput = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().max(100_000, 'Messages are at most 100,000 characters.'),
  model: Model.optional(),
});

export const ListConversationsInput = z.object({
  limit: z.number().int().min(1).max(100).default(20),
  /** The `updatedAt` of the last conversation seen, as returned in `nextCursor`. */
  cursor: z.string().datetime().optional(),
});

export const CreateConversationInput = z.object({
  title: Title,
  model: Model,
  messages: z.array(MessageInput).max(50, 'At most 50 messages at a time.').default([]),
});

export const AppendMessagesInput = z.object({
  id: Id,
  messages: z.array(MessageInput).min(1, 'Nothing to append.').max(50, 'At most 50 messages at a time.'),
});

export const RenameConversationInput = z.object({ id: Id, title: Title });
export const ConversationIdInput = z.object({ id: Id });

export const ConversationSummary = z.object({
  id: z.string(),
  title: z.string(),
  model: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const MessageView = z.object({
  id: z.string(),
  role: z.string(),
  content: z.string(),
  model: z.string().nullable(),
  createdAt: Timestamp,
});

export const ConversationView = ConversationSummary.extend({ messages: z.array(MessageView) });
export const ConversationPage = z.object({ items: z.array(ConversationSummary), nextCursor: z.string().nullable() });

export type MessageInput = z.infer<typeof MessageInput>;
/** As services return it (dates as `Date`); clients receive ISO strings. */
export type ConversationSummary = z.input<typeof ConversationSummary>;
/** As services return it (dates as `Date`); clients receive ISO strings. */
export type ConversationView = z.input<typeof ConversationView>;
/** As services return it (dates as `Date`); clients receive ISO strings. */
export type ConversationPage = z.input<typeof ConversationPage>;
export type CreateConversationInput = z.infer<typeof CreateConversationInput>;
