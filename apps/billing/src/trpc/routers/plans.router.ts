import { z } from 'zod';
import { PlanView } from '../../plans/plans.schemas.js';
import { publicProcedure, router } from '../trpc.js';

export const plansRouter = router({
  /** The plans on offer, cheapest first (the pricing page; no sign-in needed). */
  list: publicProcedure.output(z.array(PlanView)).query(({ ctx }) => ctx.services.plans.onOffer()),
});
