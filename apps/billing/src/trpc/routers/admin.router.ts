import { z } from 'zod';
import { adminProcedure, router } from '../trpc.js';

/** The little of administration the web app does over tRPC; the admin API proper is GraphQL (/graphql). */
export const adminRouter = router({
  /** Reports unreported overage to Stripe Billing Meters now instead of waiting for the timer. */
  reportOverage: adminProcedure
    .output(z.object({ events: z.number().int(), quantity: z.number().int() }))
    .mutation(async ({ ctx }) => {
      const report = await ctx.services.overage.report();
      await ctx.services.audit.record({
        actorId: ctx.session.user.id,
        action: 'overage.report',
        target: 'meter_reports',
        after: report,
      });
      return report;
    }),
});
