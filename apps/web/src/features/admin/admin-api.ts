import { adminGraphql } from '../../lib/graphql';
import type {
  AdminModel,
  AdminPlan,
  AdminSubscription,
  AdminUser,
  AuditEntry,
  PlanInput,
  RouteInput,
  UsageTotals,
} from './admin-types';

const PLAN_FIELDS = `id slug name description priceCents currency interval requestsPerMinute tokensPerMinute chatRequestsPerDay
  imagesPerDay syntheticRecordsPerDay concurrentSyntheticJobs queuePriority modelTiers isDefault archivedAt activeSubscribers`;

const MODEL_FIELDS = 'id kind tier displayName enabled routes { id provider upstreamModel order weight enabled }';

export const adminApi = {
  plans: () =>
    adminGraphql<{ plans: AdminPlan[] }>(`query { plans(includeArchived: true) { ${PLAN_FIELDS} } }`).then(
      (data) => data.plans,
    ),
  createPlan: (input: PlanInput) =>
    adminGraphql(`mutation($input: CreatePlanInput!) { createPlan(input: $input) { id } }`, { input }),
  updatePlan: (id: string, input: PlanInput) =>
    adminGraphql(`mutation($id: ID!, $input: UpdatePlanInput!) { updatePlan(id: $id, input: $input) { id version } }`, {
      id,
      input,
    }),
  archivePlan: (id: string) => adminGraphql(`mutation($id: ID!) { archivePlan(id: $id) { id } }`, { id }),
  users: (search: string) =>
    adminGraphql<{ users: AdminUser[] }>(
      `query($search: String) { users(search: $search, limit: 50) { id email name role compPlanId createdAt effectivePlan { id name } } }`,
      { search: search || null },
    ).then((data) => data.users),
  setRole: (userId: string, role: 'user' | 'admin') =>
    adminGraphql(`mutation($userId: ID!, $role: Role!) { setUserRole(userId: $userId, role: $role) { id } }`, {
      userId,
      role,
    }),
  comp: (userId: string, planId: string | null) =>
    adminGraphql(`mutation($userId: ID!, $planId: ID) { compPlan(userId: $userId, planId: $planId) { id } }`, {
      userId,
      planId,
    }),
  subscriptions: () =>
    adminGraphql<{ subscriptions: AdminSubscription[] }>(
      `query { subscriptions(limit: 100) { id status currentPeriodEnd cancelAtPeriodEnd createdAt plan { id name } user { id email } } }`,
    ).then((data) => data.subscriptions),
  models: () =>
    adminGraphql<{ models: AdminModel[] }>(`query { models { ${MODEL_FIELDS} } }`).then((data) => data.models),
  setModelEnabled: (id: string, enabled: boolean) =>
    adminGraphql(`mutation($id: ID!, $enabled: Boolean!) { setModelEnabled(id: $id, enabled: $enabled) { id } }`, {
      id,
      enabled,
    }),
  updateModelRoute: (id: string, input: RouteInput) =>
    adminGraphql(
      `mutation($id: ID!, $input: UpdateModelRouteInput!) { updateModelRoute(id: $id, input: $input) { id } }`,
      {
        id,
        input,
      },
    ),
  usage: (from: string, to: string, groupBy: ('day' | 'model')[]) =>
    adminGraphql<{ usage: UsageTotals[] }>(
      `query($from: String!, $to: String!, $groupBy: [UsageDimension!]) { usage(from: $from, to: $to, groupBy: $groupBy) { day model requests promptTokens completionTokens images records } }`,
      { from, to, groupBy },
    ).then((data) => data.usage),
  audit: () =>
    adminGraphql<{ auditLog: AuditEntry[] }>(
      `query { auditLog(limit: 100) { id actorId action target before after createdAt } }`,
    ).then((data) => data.auditLog),
};
