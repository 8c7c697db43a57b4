import type { CatalogModel } from '@synthwell/sdk';
import { describe, expect, it } from 'vitest';
import { lockedModels, lockedTierWords } from './model-access';

const plan = (slug: string, name: string) => ({ id: `pln_${slug}`, slug, name });
const model = (id: string, overrides: Partial<CatalogModel>): CatalogModel => ({
  id,
  object: 'model',
  created: 1,
  owned_by: 'synthwell',
  kind: 'chat',
  tier: 'standard',
  display_name: id.toUpperCase(),
  description: null,
  context_window: null,
  pricing: { input_per_million_tokens: 0, output_per_million_tokens: 0, per_image: 0, currency: 'usd' },
  available: true,
  plans: [plan('free', 'Free')],
  ...overrides,
});

describe('lockedModels', () => {
  const catalog = [
    model('mini', {}),
    model('pro', { tier: 'premium', available: false, plans: [plan('premium', 'Premium'), plan('team', 'Team')] }),
    model('canvas-pro', { kind: 'image', tier: 'premium', available: false, plans: [plan('premium', 'Premium')] }),
    model('retired', { tier: 'premium', available: false, plans: [] }),
  ];

  it('names the models of the kind the plan lacks, with the cheapest plan that includes each', () => {
    expect(lockedModels(catalog, 'chat')).toEqual([{ id: 'pro', name: 'PRO', tier: 'premium', planName: 'Premium' }]);
    expect(lockedModels(catalog, 'image').map((entry) => entry.id)).toEqual(['canvas-pro']);
  });

  it('leaves out available models and models no plan on offer includes', () => {
    const ids = lockedModels(catalog, 'chat').map((entry) => entry.id);
    expect(ids).not.toContain('mini');
    expect(ids).not.toContain('retired');
    expect(lockedModels(catalog.slice(0, 1), 'chat')).toEqual([]);
  });

  it('says which tiers are locked', () => {
    expect(lockedTierWords(lockedModels(catalog, 'chat'))).toBe('premium models');
  });
});
