export { type Billing, bootstrap, createBilling } from './bootstrap.js';
export { type BillingConfig, BillingEnv, loadBillingConfig } from './config/env.js';
export { STANDIN_SECRET_KEY, type StandinOptions, StripeStandin } from './stripe/standin/server.js';
export type { AppRouter } from './trpc/router.js';
