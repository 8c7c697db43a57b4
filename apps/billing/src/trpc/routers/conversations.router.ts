import { z } from 'zod';
import {
  AppendMessagesInput,
  ConversationIdInput,
  ConversationPage,
  ConversationSummary,
  ConversationView,
  CreateConversationInput,
  ListConversationsInput,
  RenameConversationInput,
} from '../../conversations/conversations.schemas.js';
import { protectedProcedure, router } from '../trpc.js';

export const conversationsRouter = router({
  /** Most recently updated first; pass `nextCursor` back as `cursor` for the next page. */
  list: protectedProcedure
    .input(ListConversationsInput)
    .output(ConversationPage)
    .query(({ ctx, input }) => ctx.services.conversations.list(ctx.session.user.id, input)),

  get: protectedProcedure
    .input(ConversationIdInput)
    .output(ConversationView)
    .query(({ ctx, input }) => ctx.services.conversations.get(ctx.session.user.id, input.id)),

  create: protectedProcedure
    .input(CreateConversationInput)
    .output(ConversationView)
    .mutation(({ ctx, input }) => ctx.services.conversations.create(ctx.session.user.id, input)),

  append: protectedProcedure
    .input(AppendMessagesInput)
    .output(ConversationView)
    .mutation(({ ctx, input }) => ctx.services.conversations.append(ctx.session.user.id, input.id, input.messages)),

  rename: protectedProcedure
    .input(RenameConversationInput)
    .output(ConversationSummary)
    .mutation(({ ctx, input }) => ctx.services.conversations.rename(ctx.session.user.id, input.id, input.title)),

  delete: protectedProcedure
    .input(ConversationIdInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.conversations.delete(ctx.session.user.id, input.id);
      return { ok: true as const };
    }),
});
