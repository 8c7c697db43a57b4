import { adminRouter } from './routers/admin.router.js';
import { authRouter } from './routers/auth.router.js';
import { conversationsRouter } from './routers/conversations.router.js';
import { invoicesRouter } from './routers/invoices.router.js';
import { keysRouter } from './routers/keys.router.js';
import { plansRouter } from './routers/plans.router.js';
import { subscriptionRouter } from './routers/subscription.router.js';
import { usageRouter } from './routers/usage.router.js';
import { router } from './trpc.js';

/** Everything the web app calls over tRPC at /trpc. */
export const appRouter = router({
  auth: authRouter,
  keys: keysRouter,
  plans: plansRouter,
  subscription: subscriptionRouter,
  invoices: invoicesRouter,
  usage: usageRouter,
  conversations: conversationsRouter,
  admin: adminRouter,
});

/** The only thing the web app imports from billing: `import type { AppRouter } from '@synthwell/billing/router'`. */
export type AppRouter = typeof appRouter;
