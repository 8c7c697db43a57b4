import { adminGraphql } from '../../lib/graphql';
import type { AdminPlan, AdminSubscription, AdminUser, AuditEntry, PlanInput, UsageTotals } from './admin-types';

const PLAN_FIELDS = `id slug name description priceCents currency interval requestsPerMinute tokensPerMinute chatRequestsPerDay
  imagesPerDay syntheticRecordsPerDay concurrentSyntheticJobs queuePriority modelTiers isDefault archivedAt activeSubscribers`;

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
      // Flat fields only: the Subscription.plan and .user field resolvers currently fail in billing.
      `query { subscriptions(limit: 100) { id userId planId status currentPeriodEnd cancelAtPeriodEnd createdAt } }`,
    ).then((data) => data.subscriptions),
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
