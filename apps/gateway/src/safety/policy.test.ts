import { describe, expect, it } from 'vitest';
import { BUILT_IN_POLICY, FixedCategoryError, PolicyStore, parsePolicyFile } from './policy.js';

describe('PolicyStore', () => {
  it('layers built-in, file default, file plan and run-time changes, most specific last', () => {
    const store = new PolicyStore({ default: { hate: 'flag' }, premium: { 'violence/graphic': 'flag' } });
    expect(store.for('free')).toEqual({ ...BUILT_IN_POLICY, hate: 'flag' });
    expect(store.for('premium')).toEqual({ ...BUILT_IN_POLICY, hate: 'flag', 'violence/graphic': 'flag' });
    store.update('premium', { hate: 'block' });
    store.update('default', { 'personal-data': 'flag' });
    expect(store.for('premium')).toMatchObject({ hate: 'block', 'violence/graphic': 'flag', 'personal-data': 'flag' });
    expect(store.for('free')).toMatchObject({ hate: 'flag', 'personal-data': 'flag' });
    expect(store.plans()).toEqual(['default', 'premium']);
  });

  it('keeps sexual content involving minors blocked whatever is asked', () => {
    const store = new PolicyStore();
    expect(() => store.update('premium', { 'sexual/minors': 'allow' })).toThrow(FixedCategoryError);
    expect(store.for('premium')['sexual/minors']).toBe('block');
    expect(() => parsePolicyFile('{"free":{"sexual/minors":"flag"}}')).toThrow(/free.sexual\/minors/);
  });

  it('rejects unknown categories and actions in a policy file, naming where', () => {
    expect(() => parsePolicyFile('{"free":{"gore":"block"}}')).toThrow(/free/);
    expect(() => parsePolicyFile('{"free":{"hate":"warn"}}')).toThrow(/free.hate/);
    expect(parsePolicyFile('{"premium":{"hate":"flag"}}')).toEqual({ premium: { hate: 'flag' } });
  });
});
