import { z } from 'zod';
import { ApiKeyView, CreatedKey, CreateKeyInput, KeyIdInput } from '../../keys/keys.schemas.js';
import { protectedProcedure, router } from '../trpc.js';

export const keysRouter = router({
  list: protectedProcedure.output(z.array(ApiKeyView)).query(({ ctx }) => ctx.services.keys.list(ctx.session.user.id)),

  /** Returns the key itself: this is the only time it is shown. At most 20 active keys. */
  create: protectedProcedure
    .input(CreateKeyInput)
    .output(CreatedKey)
    .mutation(({ ctx, input }) => ctx.services.keys.create(ctx.session.user.id, input)),

  /** Stops the key working on the gateway within 5 seconds (at once with Redis). */
  revoke: protectedProcedure
    .input(KeyIdInput)
    .output(ApiKeyView)
    .mutation(({ ctx, input }) => ctx.services.keys.revoke(ctx.session.user.id, input.id)),
});
