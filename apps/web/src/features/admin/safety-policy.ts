import type { SafetyAction, SafetyCategory, SafetyPolicyList, SafetyPolicyUpdate } from '@synthwell/sdk';

/** What each category covers, in an admin's words. */
export const CATEGORY_LABELS: Record<SafetyCategory, string> = {
  'sexual/minors': 'Sexual content involving minors',
  'violence/graphic': 'Graphic violence',
  'self-harm': 'Self-harm',
  hate: 'Hate speech',
  'real-person': 'Real, named people (image prompts)',
  'intellectual-property': "Protected characters, living artists' styles (image prompts)",
  'personal-data': 'Personal data (outputs, seeds)',
};

export const ACTION_LABELS: Record<SafetyAction, string> = {
  allow: 'Allow',
  flag: 'Flag',
  redact: 'Redact',
  block: 'Block',
};

export const ACTIONS = Object.keys(ACTION_LABELS) as SafetyAction[];

/** An admin's unsaved choices: plan → category → action. */
export type PolicyEdits = Record<string, SafetyPolicyUpdate>;

/** One PUT of a save: the categories of one plan whose chosen action differs from the one in force. */
export interface PolicyChange {
  plan: string;
  change: SafetyPolicyUpdate;
}

/** The changes a save sends, `default` first; choices equal to the policy in force are left out. */
export function pendingChanges(list: SafetyPolicyList, edits: PolicyEdits): PolicyChange[] {
  const changes: PolicyChange[] = [];
  for (const { plan, policy } of list.data) {
    const change: SafetyPolicyUpdate = {};
    for (const [category, action] of Object.entries(edits[plan] ?? {}) as Array<[SafetyCategory, SafetyAction]>) {
      if (policy[category] !== action && list.fixed[category] === undefined) change[category] = action;
    }
    if (Object.keys(change).length > 0) changes.push({ plan, change });
  }
  return changes;
}

/** The time windows the flag list can be narrowed to. */
export const SINCE_OPTIONS = [
  { id: 'all', label: 'Any time', seconds: null },
  { id: 'hour', label: 'Last hour', seconds: 3_600 },
  { id: 'day', label: 'Last 24 hours', seconds: 86_400 },
  { id: 'week', label: 'Last 7 days', seconds: 7 * 86_400 },
  { id: 'month', label: 'Last 30 days', seconds: 30 * 86_400 },
] as const;

export type SinceOption = (typeof SINCE_OPTIONS)[number]['id'];

/** Unix seconds for a window ending now, or undefined for any time. */
export function sinceSeconds(option: SinceOption, now = Date.now()): number | undefined {
  const seconds = SINCE_OPTIONS.find((entry) => entry.id === option)?.seconds;
  return seconds ? Math.floor(now / 1000) - seconds : undefined;
}
