/** The admin API's shapes as the console reads them (a subset of billing's GraphQL schema). */

export interface AdminPlan {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  priceCents: number;
  currency: string;
  interval: 'month' | 'year';
  requestsPerMinute: number;
  tokensPerMinute: number;
  chatRequestsPerDay: number;
  imagesPerDay: number;
  syntheticRecordsPerDay: number;
  concurrentSyntheticJobs: number;
  queuePriority: number;
  modelTiers: ('standard' | 'premium')[];
  isDefault: boolean;
  archivedAt: string | null;
  activeSubscribers: number;
}

export interface AdminUser {
  id: string;
  email: string;
  name: string | null;
  role: 'user' | 'admin';
  compPlanId: string | null;
  createdAt: string;
  effectivePlan: { id: string; name: string };
}

export interface AdminSubscription {
  id: string;
  status: string;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  createdAt: string;
  plan: { id: string; name: string };
  user: { id: string; email: string };
}

export interface AdminModelRoute {
  id: string;
  provider: string;
  upstreamModel: string;
  order: number;
  weight: number;
  enabled: boolean;
}

export interface AdminModel {
  id: string;
  kind: 'chat' | 'image';
  tier: 'standard' | 'premium';
  displayName: string;
  enabled: boolean;
  routes: AdminModelRoute[];
}

export type RouteInput = Partial<Pick<AdminModelRoute, 'order' | 'weight' | 'enabled'>>;

/** Only the route settings that differ from the route as loaded. */
export function changedRouteFields(route: AdminModelRoute, edited: Required<RouteInput>): RouteInput {
  return Object.fromEntries(
    (['order', 'weight', 'enabled'] as const)
      .filter((key) => route[key] !== edited[key])
      .map((key) => [key, edited[key]]),
  );
}

export interface UsageTotals {
  day: string | null;
  model: string | null;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  images: number;
  records: number;
}

export interface AuditEntry {
  id: string;
  actorId: string | null;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
  createdAt: string;
}

/** The plan fields an admin edits; everything the gateway enforces. */
export const LIMIT_FIELDS = [
  ['requestsPerMinute', 'Requests per minute'],
  ['tokensPerMinute', 'Tokens per minute'],
  ['chatRequestsPerDay', 'Chat requests per day'],
  ['imagesPerDay', 'Images per day'],
  ['syntheticRecordsPerDay', 'Synthetic records per day'],
  ['concurrentSyntheticJobs', 'Synthetic jobs at once'],
  ['queuePriority', 'Queue priority'],
] as const;

export type PlanInput = Partial<Omit<AdminPlan, 'id' | 'isDefault' | 'archivedAt' | 'activeSubscribers'>>;

/** Only the fields that differ from the plan as loaded, so an edit changes nothing else. */
export function changedFields(plan: AdminPlan, edited: PlanInput): PlanInput {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(edited)) {
    const before = plan[key as keyof AdminPlan];
    if (JSON.stringify(before) !== JSON.stringify(value)) changes[key] = value;
  }
  return changes as PlanInput;
}
