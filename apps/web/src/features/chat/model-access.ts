import type { CatalogModel, ModelKind } from '@synthwell/sdk';

export interface LockedModel {
  id: string;
  name: string;
  tier: string;
  /** The cheapest plan on offer that includes it. */
  planName: string;
}

/**
 * The catalog's models of one kind that the caller's plan lacks but some plan on offer includes, each
 * with the cheapest such plan (the gateway lists `plans` cheapest first). A model no plan offers is left
 * out: there is nothing to upgrade to.
 */
export function lockedModels(catalog: readonly CatalogModel[], kind: ModelKind): LockedModel[] {
  return catalog.flatMap((model) => {
    // An older gateway lists models without `plans`: then nothing is shown as locked.
    const plan = model.plans?.[0];
    if (model.kind !== kind || model.available || !plan) return [];
    return [{ id: model.id, name: model.display_name, tier: model.tier, planName: plan.name }];
  });
}

/** "premium models", "premium and standard models": the tiers the locked models belong to, in words. */
export function lockedTierWords(locked: readonly LockedModel[]): string {
  const tiers = [...new Set(locked.map((model) => model.tier))];
  return `${tiers.join(' and ')} models`;
}
