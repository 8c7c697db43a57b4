import type { Plan } from '@synthwell/db';
import type { PlanView } from './plans.schemas.js';

export function toPlanView(plan: Plan): PlanView {
  return {
    id: plan.id,
    slug: plan.slug,
    name: plan.name,
    description: plan.description,
    priceCents: plan.priceCents,
    currency: plan.currency,
    interval: plan.interval,
    modelTiers: plan.modelTiers,
    requestsPerMinute: plan.requestsPerMinute,
    chatRequestsPerDay: plan.chatRequestsPerDay,
    imagesPerDay: plan.imagesPerDay,
    syntheticRecordsPerDay: plan.syntheticRecordsPerDay,
    concurrentSyntheticJobs: plan.concurrentSyntheticJobs,
    overageEnabled: plan.overageEnabled,
    isDefault: plan.isDefault,
  };
}
