import type { Prisma } from '../generated/prisma/client.js';

/** The seeded plans (PRODUCT.md). Admins change them at run time; the seed only creates missing ones. */
export const SEED_PLANS = [
  {
    id: 'pln_free',
    slug: 'free',
    name: 'Free',
    description: 'Standard models with daily limits, for everyone.',
    priceCents: 0,
    currency: 'usd',
    interval: 'month',
    requestsPerMinute: 20,
    tokensPerMinute: 40_000,
    chatRequestsPerDay: 50,
    imagesPerDay: 5,
    syntheticRecordsPerDay: 200,
    concurrentSyntheticJobs: 1,
    queuePriority: 0,
    modelTiers: ['standard'],
    isDefault: true,
  },
  {
    id: 'pln_premium',
    slug: 'premium',
    name: 'Premium',
    description: 'Standard and premium models, higher limits and priority synthetic-data jobs.',
    priceCents: 800,
    currency: 'usd',
    interval: 'month',
    requestsPerMinute: 120,
    tokensPerMinute: 400_000,
    chatRequestsPerDay: 2_000,
    imagesPerDay: 200,
    syntheticRecordsPerDay: 20_000,
    concurrentSyntheticJobs: 5,
    queuePriority: 10,
    modelTiers: ['standard', 'premium'],
    isDefault: false,
  },
] as const satisfies readonly (Prisma.PlanCreateInput & { id: string })[];

type SeedModel = Omit<Prisma.ModelCreateInput, 'routes'> & { routes: { provider: string; upstreamModel: string }[] };

/** The built-in offline models, served by the `local` provider in packages/providers. */
export const SEED_MODELS: SeedModel[] = [
  {
    id: 'sw-ngram-mini',
    kind: 'chat',
    tier: 'standard',
    displayName: 'Synthwell n-gram mini (offline)',
    description:
      'A small word-level trigram language model trained on the Brown corpus at start-up. Offline and tiny: fluent-ish 1960s English, no reasoning.',
    contextWindow: 4_096,
    routes: [{ provider: 'local', upstreamModel: 'ngram-3' }],
  },
  {
    id: 'sw-ngram-pro',
    kind: 'chat',
    tier: 'premium',
    displayName: 'Synthwell n-gram pro (offline)',
    description:
      'A higher-order word-level n-gram language model (Kneser-Ney) trained on the Brown corpus. Offline and small, lower perplexity than mini.',
    contextWindow: 4_096,
    routes: [{ provider: 'local', upstreamModel: 'ngram-4' }],
  },
  {
    id: 'sw-canvas',
    kind: 'image',
    tier: 'standard',
    displayName: 'Synthwell canvas (offline)',
    description: 'A deterministic procedural image generator: the same prompt and seed give the same PNG.',
    routes: [{ provider: 'local', upstreamModel: 'canvas' }],
  },
  {
    id: 'sw-canvas-pro',
    kind: 'image',
    tier: 'premium',
    displayName: 'Synthwell canvas pro (offline)',
    description: 'The procedural image generator with more layers and detail.',
    routes: [{ provider: 'local', upstreamModel: 'canvas-pro' }],
  },
];

export const DEV_ACCOUNTS = [
  { key: 'admin', email: 'admin@synthwell.local', name: 'Admin', role: 'admin', plan: 'premium' },
  { key: 'free', email: 'free@synthwell.local', name: 'Free user', role: 'user', plan: 'free' },
  { key: 'premium', email: 'premium@synthwell.local', name: 'Premium user', role: 'user', plan: 'premium' },
] as const;
