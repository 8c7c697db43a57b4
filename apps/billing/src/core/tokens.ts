/** Injection tokens for the billing service's shared singletons. */
export const LOGGER = Symbol('LOGGER');
export const DB = Symbol('DB');
/** An ioredis client, or null when REDIS_URL is unset. */
export const REDIS = Symbol('REDIS');
/** The `stripe` SDK client, pointed at Stripe or at the stand-in. */
export const STRIPE = Symbol('STRIPE');
/** The in-process Stripe stand-in, or null with a real STRIPE_SECRET_KEY. */
export const STRIPE_STANDIN = Symbol('STRIPE_STANDIN');
export { BILLING_CONFIG } from '../config/env.js';
