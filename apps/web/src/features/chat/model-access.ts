export interface PlanOffer {
  name: string;
  priceCents: number;
  modelTiers: string[];
}

export interface LockedTier {
  tier: string;
  /** The cheapest plan that includes it. */
  planName: string;
}

/**
 * The model tiers on offer that the caller's plan lacks, each with the cheapest plan that unlocks it.
 * The gateway lists only the models a plan includes, so locked ones are shown by tier.
 */
export function lockedTiers(plans: readonly PlanOffer[], included: readonly string[]): LockedTier[] {
  const byPrice = [...plans].sort((a, b) => a.priceCents - b.priceCents);
  const locked = new Map<string, string>();
  for (const plan of byPrice) {
    for (const tier of plan.modelTiers) {
      if (!included.includes(tier) && !locked.has(tier)) locked.set(tier, plan.name);
    }
  }
  return [...locked].map(([tier, planName]) => ({ tier, planName }));
}
