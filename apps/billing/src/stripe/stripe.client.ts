import Stripe from 'stripe';
import type { BillingConfig } from '../config/env.js';
import { STANDIN_SECRET_KEY } from './standin/server.js';

/**
 * The one place the Stripe SDK is constructed: real Stripe with STRIPE_SECRET_KEY, otherwise the
 * in-process stand-in at `standinPort`, through the same SDK. The SDK retries network errors and
 * 409/429/5xx, reusing each request's idempotency key.
 */
export function createStripeClient(config: BillingConfig, standinPort?: number): Stripe {
  const common = { maxNetworkRetries: 2, timeout: 20_000, appInfo: { name: 'synthwell-billing' } };
  if (config.STRIPE_SECRET_KEY) return new Stripe(config.STRIPE_SECRET_KEY, common);
  if (standinPort === undefined) throw new Error('No STRIPE_SECRET_KEY and no stand-in port: cannot reach Stripe.');
  return new Stripe(STANDIN_SECRET_KEY, { ...common, host: '127.0.0.1', port: standinPort, protocol: 'http' });
}
