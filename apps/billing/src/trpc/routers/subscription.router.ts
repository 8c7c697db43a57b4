import { CheckoutInput, CheckoutRedirect, CurrentPlan, RedirectUrl } from '../../plans/subscriptions.schemas.js';
import { protectedProcedure, router } from '../trpc.js';

export const subscriptionRouter = router({
  /** The plan in force, why (comp, subscription or default), and the latest subscription. */
  current: protectedProcedure
    .output(CurrentPlan)
    .query(({ ctx }) => ctx.services.subscriptions.current(ctx.session.user.id)),

  /**
   * A Stripe Checkout URL for the plan. Paying there changes nothing by itself: the plan changes when
   * Stripe's webhook arrives.
   */
  checkout: protectedProcedure
    .input(CheckoutInput)
    .output(CheckoutRedirect)
    .mutation(({ ctx, input }) => ctx.services.checkout.checkout(ctx.session, input.planId)),

  /** A Stripe Customer Portal URL to cancel, resume or update payment details. */
  portal: protectedProcedure.output(RedirectUrl).mutation(({ ctx }) => ctx.services.checkout.portal(ctx.session)),
});
