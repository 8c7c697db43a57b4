import { describe, expect, it } from 'vitest';
import { assertChangeable, BUILT_IN_POLICY, FixedCategoryError, PolicyStore, parsePolicyFile } from './policy.js';

describe('PolicyStore', () => {
  it('layers built-in, file default, file plan and admins’ changes, most specific last', () => {
    const store = new PolicyStore({ default: { hate: 'flag' }, premium: { 'violence/graphic': 'flag' } });
    expect(store.for('free')).toEqual({ ...BUILT_IN_POLICY, hate: 'flag' });
    expect(store.for('premium')).toEqual({ ...BUILT_IN_POLICY, hate: 'flag', 'violence/graphic': 'flag' });
    store.replace(
      new Map([
        ['premium', { hate: 'block' as const }],
        ['default', { 'personal-data': 'flag' as const }],
      ]),
    );
    expect(store.for('premium')).toMatchObject({ hate: 'block', 'violence/graphic': 'flag', 'personal-data': 'flag' });
    expect(store.for('free')).toMatchObject({ hate: 'flag', 'personal-data': 'flag' });
    expect(store.plans()).toEqual(['default', 'premium']);
  });

  it('drops a change that admins took back on the next reload', () => {
    const store = new PolicyStore();
    store.replace(new Map([['free', { 'self-harm': 'flag' as const }]]));
    expect(store.for('free')['self-harm']).toBe('flag');
    store.replace(new Map());
    expect(store.for('free')['self-harm']).toBe('block');
  });

  it('keeps sexual content involving minors blocked whatever is asked or stored', () => {
    expect(() => assertChangeable({ 'sexual/minors': 'allow' })).toThrow(FixedCategoryError);
    expect(() => assertChangeable({ 'sexual/minors': 'block', hate: 'allow' })).not.toThrow();
    const store = new PolicyStore();
    store.replace(new Map([['premium', { 'sexual/minors': 'allow' as const }]]));
    expect(store.for('premium')['sexual/minors']).toBe('block');
    expect(() => parsePolicyFile('{"free":{"sexual/minors":"flag"}}')).toThrow(/free.sexual\/minors/);
  });

  it('rejects unknown categories and actions in a policy file, naming where', () => {
    expect(() => parsePolicyFile('{"free":{"gore":"block"}}')).toThrow(/free/);
    expect(() => parsePolicyFile('{"free":{"hate":"warn"}}')).toThrow(/free.hate/);
    expect(parsePolicyFile('{"premium":{"hate":"flag"}}')).toEqual({ premium: { hate: 'flag' } });
  });
});
