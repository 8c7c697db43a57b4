import type { SafetyPolicy, SafetyPolicyList } from '@synthwell/sdk';
import { describe, expect, it } from 'vitest';
import { pendingChanges, sinceSeconds } from './safety-policy';

const policy: SafetyPolicy = {
  'sexual/minors': 'block',
  'violence/graphic': 'block',
  'self-harm': 'block',
  hate: 'block',
  'real-person': 'block',
  'intellectual-property': 'block',
  'personal-data': 'redact',
};
const entry = (plan: string, changes: Partial<SafetyPolicy> = {}) => ({
  plan,
  policy: { ...policy, ...changes },
  overrides: changes,
  updated_at: null,
  updated_by: null,
});
const list: SafetyPolicyList = {
  object: 'list',
  data: [entry('default'), entry('free', { hate: 'flag' }), entry('premium')],
  fixed: { 'sexual/minors': 'block' },
};

describe('pendingChanges', () => {
  it('sends, per plan, only the choices that differ from the policy in force', () => {
    expect(
      pendingChanges(list, {
        free: { 'violence/graphic': 'allow', hate: 'flag' },
        premium: { 'personal-data': 'redact' },
        default: { 'self-harm': 'flag' },
      }),
    ).toEqual([
      { plan: 'default', change: { 'self-harm': 'flag' } },
      { plan: 'free', change: { 'violence/graphic': 'allow' } },
    ]);
  });

  it('never sends a fixed category', () => {
    expect(pendingChanges(list, { free: { 'sexual/minors': 'allow' } })).toEqual([]);
  });
});

describe('sinceSeconds', () => {
  it('turns a window into unix seconds, and "any time" into no filter', () => {
    expect(sinceSeconds('hour', 10_000_000)).toBe(10_000 - 3_600);
    expect(sinceSeconds('all', 10_000_000)).toBeUndefined();
  });
});
