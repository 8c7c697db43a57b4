import { BillingEnv, loadBillingConfig } from '../../../apps/billing/src/config/env.js';
import { GatewayEnv, loadGatewayConfig } from '../../../apps/gateway/src/config/env.js';
import { parseProvidersFromEnv } from '../../../packages/providers/src/config.js';
import { readWebServerConfig } from '../../src/web-server.js';

export type Env = Record<string, string>;

/**
 * What each deployable reads, taken from the apps' own config schemas so the deployment files are
 * checked against the code, not against a copy of its variable list.
 */
export interface ServiceConfig {
  /** Whether the service reads this variable (a name it ignores is a typo or a leak). */
  reads(variable: string): boolean;
  /** Variables that are optional in the schema but that a production deployment must set. */
  production: string[];
  /** Throws, naming the variables, when the service would refuse to start with this environment. */
  load(env: Env): void;
}

const gatewayVariables = new Set(Object.keys(GatewayEnv.shape));
const providerVariable = /^(SYNTHWELL_PROVIDER_[A-Z0-9_]+|ANTHROPIC_API_KEY|ANTHROPIC_BASE_URL)$/;

const gateway: ServiceConfig = {
  reads: (variable) => gatewayVariables.has(variable) || providerVariable.test(variable),
  production: ['REDIS_URL', 'INSTANCE_ID', 'PROVENANCE_SIGNING_KEYS', 'GATEWAY_PUBLIC_URL'],
  load(env) {
    loadGatewayConfig(env);
    parseProvidersFromEnv(env);
  },
};

/** The worker reads the gateway's variables, and refuses to start without Redis or with no job slots. */
const worker: ServiceConfig = {
  reads: gateway.reads,
  production: ['REDIS_URL', 'INSTANCE_ID', 'PROVENANCE_SIGNING_KEYS'],
  load(env) {
    const config = loadGatewayConfig(env);
    parseProvidersFromEnv(env);
    if (!config.REDIS_URL) throw new Error('REDIS_URL: required by the worker');
    if (config.SYNTHETIC_WORKERS < 1) throw new Error('SYNTHETIC_WORKERS: must be at least 1 in a worker');
  },
};

const billingVariables = new Set(Object.keys(BillingEnv.shape));

const billing: ServiceConfig = {
  reads: (variable) => billingVariables.has(variable),
  production: ['REDIS_URL', 'BILLING_PUBLIC_URL', 'WEB_URL'],
  load: (env) => void loadBillingConfig(env),
};

const web: ServiceConfig = {
  reads: (variable) =>
    ['WEB_PORT', 'WEB_HOST', 'WEB_ROOT', 'GATEWAY_PUBLIC_URL', 'BILLING_PUBLIC_URL'].includes(variable),
  production: [],
  load: (env) => void readWebServerConfig(env),
};

const migrate: ServiceConfig = {
  reads: (variable) => variable === 'DATABASE_URL',
  production: [],
  load(env) {
    if (!/^postgres(ql)?:\/\//.test(env.DATABASE_URL ?? ''))
      throw new Error('DATABASE_URL: must be a postgresql:// URL');
  },
};

export const SERVICES = { gateway, worker, billing, web, migrate } as const;
export type ServiceName = keyof typeof SERVICES;
