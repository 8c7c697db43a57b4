import { randomBytes } from 'node:crypto';
import { env, loadConfig } from '@synthwell/server';
import { z } from 'zod';

/** Every variable the billing service reads. docs/operations.md lists them with the same defaults. */
export const BillingEnv = z
  .object({
    BILLING_PORT: env.port(4100),
    BILLING_HOST: z.string().default('127.0.0.1'),
    BILLING_PUBLIC_URL: env.url(['http', 'https']).optional(),
    /** The web app's origin: allowed for CORS with credentials, and where Checkout returns to. */
    WEB_URL: env.url(['http', 'https']).default('http://localhost:3000'),
    DATABASE_URL: env.url(['postgres', 'postgresql']),
    REDIS_URL: env.url(['redis', 'rediss']).optional(),
    LOG_LEVEL: env.logLevel(),
    /** Signs the session tokens the gateway verifies; the first signs, all verify (rotation). */
    SESSION_TOKEN_SECRETS: env.secretList(),
    /** With a real key billing talks to Stripe; without, to the local stand-in. */
    STRIPE_SECRET_KEY: z.string().startsWith('sk_', 'must start with sk_').optional(),
    STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_', 'must start with whsec_').optional(),
    /** Where the in-process Stripe stand-in listens when no STRIPE_SECRET_KEY is set (0: any free port). */
    STRIPE_STANDIN_PORT: env.port(12111),
    /** How often overage on usage-billed plans is reported to Stripe Billing Meters; 0 turns the timer off. */
    OVERAGE_REPORT_INTERVAL_MS: z.coerce
      .number({ message: 'must be a number of milliseconds' })
      .int('must be a whole number')
      .min(0, 'must be 0 or more')
      .default(3_600_000),
  })
  .superRefine((value, context) => {
    if (value.STRIPE_SECRET_KEY && !value.STRIPE_WEBHOOK_SECRET) {
      context.addIssue({
        code: 'custom',
        path: ['STRIPE_WEBHOOK_SECRET'],
        message: 'must be set when STRIPE_SECRET_KEY is set (the signing secret of the webhook endpoint)',
      });
    }
  });

export type BillingEnv = z.infer<typeof BillingEnv>;

export interface BillingConfig extends BillingEnv {
  publicUrl: string;
  /** Real Stripe when a secret key is set, the local stand-in otherwise. */
  stripeMode: 'stripe' | 'standin';
  /** STRIPE_WEBHOOK_SECRET, or (stand-in only) a secret made up for this process. */
  webhookSecret: string;
}

export function loadBillingConfig(source: Record<string, string | undefined>): BillingConfig {
  const parsed = loadConfig(BillingEnv, source);
  return {
    ...parsed,
    publicUrl: (parsed.BILLING_PUBLIC_URL ?? `http://localhost:${parsed.BILLING_PORT}`).replace(/\/$/, ''),
    stripeMode: parsed.STRIPE_SECRET_KEY ? 'stripe' : 'standin',
    webhookSecret: parsed.STRIPE_WEBHOOK_SECRET ?? `whsec_${randomBytes(24).toString('base64url')}`,
  };
}

export const BILLING_CONFIG = Symbol('BILLING_CONFIG');
