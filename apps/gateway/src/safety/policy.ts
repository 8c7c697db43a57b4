import { type SafetyAction, type SafetyCategory, SafetyPolicy, SafetyPolicyUpdate } from '@synthwell/contracts';
import { z } from 'zod';

/** The plan whose policy applies to plans that have none of their own. */
export const DEFAULT_PLAN = 'default';

/** Categories no plan can relax. */
export const FIXED: Readonly<SafetyPolicyUpdate> = { 'sexual/minors': 'block' };

/** Synthwell ships with safeguards on: this is the policy of every plan until an admin changes it. */
export const BUILT_IN_POLICY: SafetyPolicy = {
  'sexual/minors': 'block',
  'violence/graphic': 'block',
  'self-harm': 'block',
  hate: 'block',
  'real-person': 'block',
  'intellectual-property': 'block',
  'personal-data': 'redact',
};

/** A policy file: plan slug (or `default`) to the categories it changes from the built-in policy. */
export const PolicyFile = z.record(z.string().min(1), SafetyPolicyUpdate);
export type PolicyFile = z.infer<typeof PolicyFile>;

/**
 * Per-plan policies: the built-in policy, overlaid by the policy file (deployment defaults), overlaid
 * by admins' changes (kept in the database; see PolicySync). Resolved policies are cached, so the hot
 * path never waits on anything; a change applies to the next request.
 */
export class PolicyStore {
  private overrides = new Map<string, SafetyPolicyUpdate>();
  private readonly resolved = new Map<string, SafetyPolicy>();

  constructor(private readonly file: PolicyFile = {}) {}

  /** The effective policy for a plan. */
  for(plan: string): SafetyPolicy {
    const cached = this.resolved.get(plan);
    if (cached) return cached;
    const policy: SafetyPolicy = {
      ...BUILT_IN_POLICY,
      ...this.file[DEFAULT_PLAN],
      ...this.overrides.get(DEFAULT_PLAN),
      ...(plan === DEFAULT_PLAN ? {} : { ...this.file[plan], ...this.overrides.get(plan) }),
      ...FIXED,
    };
    this.resolved.set(plan, policy);
    return policy;
  }

  /** Admins' changes of one plan, as stored. */
  overridesOf(plan: string): SafetyPolicyUpdate {
    return this.overrides.get(plan) ?? {};
  }

  /** Replaces every admin change at once (a reload); cached policies are dropped only when something differs. */
  replace(overrides: ReadonlyMap<string, SafetyPolicyUpdate>): void {
    if (sameOverrides(this.overrides, overrides)) return;
    this.overrides = new Map(overrides);
    this.resolved.clear();
  }

  /** Every plan with a policy of its own, and the default. */
  plans(): string[] {
    return [...new Set([DEFAULT_PLAN, ...Object.keys(this.file), ...this.overrides.keys()])];
  }
}

/** Throws FixedCategoryError when `change` sets a fixed category to anything but its action. */
export function assertChangeable(change: SafetyPolicyUpdate): void {
  for (const [category, action] of Object.entries(change) as Array<[SafetyCategory, SafetyAction]>) {
    const fixed = FIXED[category];
    if (fixed && action !== fixed) throw new FixedCategoryError(category, fixed);
  }
}

function sameOverrides(
  a: ReadonlyMap<string, SafetyPolicyUpdate>,
  b: ReadonlyMap<string, SafetyPolicyUpdate>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [plan, change] of a) {
    const other = b.get(plan);
    if (!other) return false;
    const keys = Object.keys(change) as SafetyCategory[];
    if (keys.length !== Object.keys(other).length || keys.some((key) => change[key] !== other[key])) return false;
  }
  return true;
}

export class FixedCategoryError extends Error {
  constructor(
    readonly category: SafetyCategory,
    readonly action: SafetyAction,
  ) {
    super(`The action for '${category}' is always '${action}' and cannot be changed.`);
    this.name = 'FixedCategoryError';
  }
}

/** Parses a policy file's JSON, naming the first problem. */
export function parsePolicyFile(json: string): PolicyFile {
  const result = PolicyFile.safeParse(JSON.parse(json));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`invalid safety policy at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  for (const [plan, change] of Object.entries(result.data)) {
    try {
      assertChangeable(change);
    } catch (error) {
      if (!(error instanceof FixedCategoryError)) throw error;
      throw new Error(`invalid safety policy at ${plan}.${error.category}: always ${error.action}`);
    }
  }
  return result.data;
}
