import { z } from 'zod';
import { DailyUsageInput, UsageRow } from '../../usage/usage.schemas.js';
import { protectedProcedure, router } from '../trpc.js';

export const usageRouter = router({
  /** The signed-in user's daily usage by feature and model, newest day first. */
  daily: protectedProcedure
    .input(DailyUsageInput)
    .output(z.array(UsageRow))
    .query(({ ctx, input }) => ctx.services.usage.daily(ctx.session.user.id, input.days)),
});
