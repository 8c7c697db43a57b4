import { env, loadConfig } from '@synthwell/server';
import { z } from 'zod';

const secretList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((secret) => secret.trim())
      .filter(Boolean),
  )
  .refine((secrets) => secrets.length > 0 && secrets.every((secret) => secret.length >= 32), {
    message: 'must be one or more comma-separated secrets of at least 32 characters',
  });

/** Every variable the billing service reads. docs/operations.md lists them with the same defaults. */
export const BillingEnv = z.object({
  BILLING_PORT: env.port(4100),
  BILLING_HOST: z.string().default('127.0.0.1'),
  BILLING_PUBLIC_URL: env.url(['http', 'https']).optional(),
  /** The web app's origin: allowed for CORS with credentials, and where Checkout returns to. */
  WEB_URL: env.url(['http', 'https']).default('http://localhost:3000'),
  DATABASE_URL: env.url(['postgres', 'postgresql']),
  REDIS_URL: env.url(['redis', 'rediss']).optional(),
  LOG_LEVEL: env.logLevel(),
  /** Signs the session tokens the gateway verifies; the first signs, all verify (rotation). */
  SESSION_TOKEN_SECRETS: secretList,
  /** With a real key billing talks to Stripe; without, to the local stand-in. */
  STRIPE_SECRET_KEY: z.string().startsWith('sk_', 'must start with sk_').optional(),
  STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_', 'must start with whsec_').optional(),
});

export type BillingEnv = z.infer<typeof BillingEnv>;

export interface BillingConfig extends BillingEnv {
  publicUrl: string;
}

export function loadBillingConfig(source: Record<string, string | undefined>): BillingConfig {
  const parsed = loadConfig(BillingEnv, source);
  return {
    ...parsed,
    publicUrl: (parsed.BILLING_PUBLIC_URL ?? `http://localhost:${parsed.BILLING_PORT}`).replace(/\/$/, ''),
  };
}

export const BILLING_CONFIG = Symbol('BILLING_CONFIG');
