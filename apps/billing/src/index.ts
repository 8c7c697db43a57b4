export { type Billing, bootstrap, createBilling } from './bootstrap.js';
export { type BillingConfig, BillingEnv, loadBillingConfig } from './config/env.js';
