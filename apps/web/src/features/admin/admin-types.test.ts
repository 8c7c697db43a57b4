import { describe, expect, it } from 'vitest';
import { type AdminPlan, changedFields } from './admin-types';

describe('changedFields', () => {
  it('sends only what the admin changed', () => {
    const plan = { name: 'Free', priceCents: 0, chatRequestsPerDay: 50, modelTiers: ['standard'] } as AdminPlan;
    expect(
      changedFields(plan, { name: 'Free', priceCents: 0, chatRequestsPerDay: 3, modelTiers: ['standard'] }),
    ).toEqual({ chatRequestsPerDay: 3 });
    expect(changedFields(plan, { modelTiers: ['standard', 'premium'] })).toEqual({
      modelTiers: ['standard', 'premium'],
    });
  });
});
