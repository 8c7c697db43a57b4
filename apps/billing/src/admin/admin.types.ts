import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

/** GraphQL types of the admin API (code-first). Resolvers map database rows onto them. */

export enum RoleEnum {
  user = 'user',
  admin = 'admin',
}
export enum PlanIntervalEnum {
  month = 'month',
  year = 'year',
}
export enum ModelTierEnum {
  standard = 'standard',
  premium = 'premium',
}
export enum ModelKindEnum {
  chat = 'chat',
  image = 'image',
}
export enum FeatureEnum {
  chat = 'chat',
  image = 'image',
  synthetic = 'synthetic',
}
export enum SubscriptionStatusEnum {
  incomplete = 'incomplete',
  incomplete_expired = 'incomplete_expired',
  trialing = 'trialing',
  active = 'active',
  past_due = 'past_due',
  canceled = 'canceled',
  unpaid = 'unpaid',
  paused = 'paused',
}
export enum UsageDimensionEnum {
  account = 'account',
  model = 'model',
  day = 'day',
}

registerEnumType(RoleEnum, { name: 'Role' });
registerEnumType(PlanIntervalEnum, { name: 'PlanInterval' });
registerEnumType(ModelTierEnum, { name: 'ModelTier' });
registerEnumType(ModelKindEnum, { name: 'ModelKind' });
registerEnumType(FeatureEnum, { name: 'Feature' });
registerEnumType(SubscriptionStatusEnum, { name: 'SubscriptionStatus' });
registerEnumType(UsageDimensionEnum, { name: 'UsageDimension', description: 'What usage totals are grouped by.' });

@ObjectType('Plan')
export class PlanModel {
  @Field(() => ID) id!: string;
  @Field() slug!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => Int, { description: "Price in the currency's minor unit (cents)." }) priceCents!: number;
  @Field() currency!: string;
  @Field(() => PlanIntervalEnum) interval!: PlanIntervalEnum;
  @Field(() => Int) requestsPerMinute!: number;
  @Field(() => Int) tokensPerMinute!: number;
  @Field(() => Int) chatRequestsPerDay!: number;
  @Field(() => Int) imagesPerDay!: number;
  @Field(() => Int) syntheticRecordsPerDay!: number;
  @Field(() => Int) concurrentSyntheticJobs!: number;
  @Field(() => Int) queuePriority!: number;
  @Field(() => [ModelTierEnum]) modelTiers!: ModelTierEnum[];
  @Field() overageEnabled!: boolean;
  @Field(() => String, { nullable: true }) stripeMeterEventName!: string | null;
  @Field(() => String, { nullable: true }) stripeProductId!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Null until the Stripe Price exists (created on save or at first Checkout).',
  })
  stripePriceId!: string | null;
  @Field() isDefault!: boolean;
  @Field(() => Date, { nullable: true }) archivedAt!: Date | null;
  @Field(() => Int, { description: 'Bumped on every edit.' }) version!: number;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType('User')
export class UserModel {
  @Field(() => ID) id!: string;
  @Field() email!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => RoleEnum) role!: RoleEnum;
  @Field(() => String, { nullable: true }) stripeCustomerId!: string | null;
  @Field(() => String, { nullable: true, description: 'A plan granted by an admin, overriding any subscription.' })
  compPlanId!: string | null;
  @Field(() => Date, { nullable: true }) disabledAt!: Date | null;
  @Field() createdAt!: Date;
}

/**
 * Named `BillingSubscription`, not `Subscription`: Nest treats resolvers of a type called `Subscription` as
 * the GraphQL root subscription type, so its field resolvers (plan, user) were never called and answered null.
 */
@ObjectType('BillingSubscription', { description: "A user's subscription to a plan, as Stripe last reported it." })
export class SubscriptionModel {
  @Field(() => ID) id!: string;
  @Field() userId!: string;
  @Field() planId!: string;
  @Field(() => SubscriptionStatusEnum) status!: SubscriptionStatusEnum;
  @Field(() => String, { nullable: true }) stripeSubscriptionId!: string | null;
  @Field(() => Date, { nullable: true }) currentPeriodStart!: Date | null;
  @Field(() => Date, { nullable: true }) currentPeriodEnd!: Date | null;
  @Field() cancelAtPeriodEnd!: boolean;
  @Field(() => Date, { nullable: true }) canceledAt!: Date | null;
  @Field(() => Date, { nullable: true }) graceUntil!: Date | null;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType('ModelRoute', { description: 'One way to serve a model: a provider and the model name it knows.' })
export class ModelRouteModel {
  @Field(() => ID) id!: string;
  @Field() modelId!: string;
  @Field() provider!: string;
  @Field() upstreamModel!: string;
  @Field(() => Int, { description: 'Lower runs first; routes of equal order share traffic by weight.' }) order!: number;
  @Field(() => Int) weight!: number;
  @Field() enabled!: boolean;
}

@ObjectType('Model', { description: 'A model of the catalog the gateways serve, with its routes.' })
export class CatalogModelModel {
  @Field(() => ID) id!: string;
  @Field(() => ModelKindEnum) kind!: ModelKindEnum;
  @Field(() => ModelTierEnum) tier!: ModelTierEnum;
  @Field() displayName!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field() ownedBy!: string;
  @Field(() => Int, { nullable: true }) contextWindow!: number | null;
  @Field({ description: 'Disabled models are not listed or served by any gateway.' }) enabled!: boolean;
  @Field(() => [ModelRouteModel], { description: 'By order, then id.' }) routes!: ModelRouteModel[];
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType('UsageTotals', { description: 'Usage summed over the dimensions not grouped by; those are null.' })
export class UsageTotalsModel {
  @Field(() => String, { nullable: true }) userId!: string | null;
  @Field(() => String, { nullable: true }) model!: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (UTC).' }) day!: string | null;
  @Field(() => Int) requests!: number;
  @Field(() => Float) promptTokens!: number;
  @Field(() => Float) completionTokens!: number;
  @Field(() => Int) images!: number;
  @Field(() => Int) records!: number;
}

@ObjectType('AuditEntry')
export class AuditEntryModel {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) actorId!: string | null;
  @Field() action!: string;
  @Field() target!: string;
  @Field(() => String, { nullable: true, description: 'The state before, as JSON text.' }) before!: string | null;
  @Field(() => String, { nullable: true, description: 'The state after, as JSON text.' }) after!: string | null;
  @Field() createdAt!: Date;
}

@ObjectType('OverageReport')
export class OverageReportModel {
  @Field(() => Int, { description: 'Meter events sent to Stripe.' }) events!: number;
  @Field(() => Int, { description: 'Units of overage they carried.' }) quantity!: number;
}

@InputType()
export class CreatePlanInput {
  @Field() slug!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => Int) priceCents!: number;
  @Field() currency!: string;
  @Field(() => PlanIntervalEnum) interval!: PlanIntervalEnum;
  @Field(() => Int) requestsPerMinute!: number;
  @Field(() => Int) tokensPerMinute!: number;
  @Field(() => Int) chatRequestsPerDay!: number;
  @Field(() => Int) imagesPerDay!: number;
  @Field(() => Int) syntheticRecordsPerDay!: number;
  @Field(() => Int) concurrentSyntheticJobs!: number;
  @Field(() => Int, { nullable: true }) queuePriority?: number;
  @Field(() => [ModelTierEnum]) modelTiers!: ModelTierEnum[];
  @Field({ nullable: true }) overageEnabled?: boolean;
  @Field(() => String, { nullable: true }) stripeMeterEventName?: string | null;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdatePlanInput {
  @Field({ nullable: true }) slug?: string;
  @Field({ nullable: true }) name?: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => Int, { nullable: true }) priceCents?: number;
  @Field({ nullable: true }) currency?: string;
  @Field(() => PlanIntervalEnum, { nullable: true }) interval?: PlanIntervalEnum;
  @Field(() => Int, { nullable: true }) requestsPerMinute?: number;
  @Field(() => Int, { nullable: true }) tokensPerMinute?: number;
  @Field(() => Int, { nullable: true }) chatRequestsPerDay?: number;
  @Field(() => Int, { nullable: true }) imagesPerDay?: number;
  @Field(() => Int, { nullable: true }) syntheticRecordsPerDay?: number;
  @Field(() => Int, { nullable: true }) concurrentSyntheticJobs?: number;
  @Field(() => Int, { nullable: true }) queuePriority?: number;
  @Field(() => [ModelTierEnum], { nullable: true }) modelTiers?: ModelTierEnum[];
  @Field({ nullable: true }) overageEnabled?: boolean;
  @Field(() => String, { nullable: true }) stripeMeterEventName?: string | null;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateModelRouteInput {
  @Field(() => Int, { nullable: true }) order?: number;
  @Field(() => Int, { nullable: true }) weight?: number;
  @Field({ nullable: true }) enabled?: boolean;
}
