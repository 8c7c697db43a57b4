import {
  ErrorCode,
  type SyntheticDedup,
  type SyntheticDiversity,
  type SyntheticJobCreateParams,
  type SyntheticMixingGuidance,
} from '@synthwell/contracts';
import {
  createStrategy,
  DEFAULT_MIN_SCORE,
  DEFAULT_NUM_PERM,
  type DiversityControls,
  type EvolveMethod,
  type JsonSchema,
  type JsonValue,
  mixingGuidance,
  type NearDuplicateOptions,
  type Provenance,
  type SeedExample,
  type SyntheticJobSpec,
  type TaskSpec,
  unsupportedKeywords,
  validateJson,
} from '@synthwell/synthetic';
import { GatewayError } from '../errors/gateway-error.js';

/** Recorded in provenance for records graded by the offline judge. */
export const OFFLINE_JUDGE_NAME = 'offline:rules+fluency';

/** What was decided at submission, kept apart from the (possibly large) request so listings stay cheap. */
export interface JobSummary {
  model: string;
  judge_model: string | null;
  /** The judge's name as provenance records it. */
  judge: string;
  requested_count: number;
  threshold: number;
  seed: number;
  /** SHA-256 of the canonical request, to tell an idempotent retry from a conflicting reuse of its key. */
  request_hash: string;
  /** The API key that submitted the job, for metering (null for a web session). */
  api_key_id: string | null;
  mixing_guidance: SyntheticMixingGuidance;
}

/** The `spec` column of a job: the validated request and its summary. */
export interface StoredJobSpec {
  params: SyntheticJobCreateParams;
  summary: JobSummary;
}

type ApiSeed = NonNullable<SyntheticJobCreateParams['seeds']>[number];

/** The engine's task for a validated request. */
export function taskSpec(params: SyntheticJobCreateParams): TaskSpec {
  const diversity = diversityControls(params.diversity);
  switch (params.task) {
    case 'instruction':
      return { kind: 'instruction', seeds: params.seeds.map(seedExample), diversity };
    case 'evolve':
      return {
        kind: 'evolve',
        seeds: params.seeds.map(seedExample),
        methods: params.methods satisfies readonly EvolveMethod[] | undefined,
        maxDepth: params.max_depth,
        diversity,
      };
    case 'classification':
      return {
        kind: 'classification',
        labels: params.labels,
        item: params.item,
        seeds: params.seeds?.map(seedExample),
        diversity,
      };
    case 'json_schema':
      return {
        kind: 'json',
        schema: params.json_schema as JsonSchema,
        item: params.item,
        seeds: params.seeds?.map((seed, index) => seedExample({ ...seed, data: seed.data as JsonValue }, index)),
        diversity,
      };
  }
}

/** The engine's job spec: the request plus the decisions stored with the job. */
export function engineSpec(jobId: string, stored: StoredJobSpec, count: number): SyntheticJobSpec {
  const { params, summary } = stored;
  return {
    jobId,
    task: taskSpec(params),
    count,
    seed: summary.seed,
    generator: summary.model,
    minScore: summary.threshold,
    maxTokens: params.max_tokens,
    dedup: nearDuplicateOptions(params.dedup),
  };
}

export function threshold(params: SyntheticJobCreateParams): number {
  return params.threshold ?? DEFAULT_MIN_SCORE;
}

/**
 * `near: false` keeps only texts whose word 3-gram sets are identical as duplicates (one band of every
 * permutation at similarity 1): exact duplicates up to case and punctuation, nothing looser.
 */
export function nearDuplicateOptions(dedup: SyntheticDedup | undefined): NearDuplicateOptions {
  if (dedup?.near === false) return { threshold: 1, banding: { bands: 1, rows: DEFAULT_NUM_PERM } };
  return dedup?.jaccard === undefined ? {} : { threshold: dedup.jaccard };
}

/** Checks the engine would otherwise only find when the job runs; each names the offending field. */
export function assertRunnable(params: SyntheticJobCreateParams): void {
  const seeds: readonly ApiSeed[] = params.seeds ?? [];
  const ids = new Set<string>();
  seeds.forEach((seed, index) => {
    const id = seedId(seed, index);
    if (ids.has(id))
      throw GatewayError.badRequest(`Seed id '${id}' is used twice.`, ErrorCode.invalidBody, `seeds.${index}.id`);
    ids.add(id);
  });
  if (params.task === 'classification') {
    if (new Set(params.labels).size < 2) {
      throw GatewayError.badRequest('labels must hold at least two distinct labels.', ErrorCode.invalidBody, 'labels');
    }
    const index = (params.seeds ?? []).findIndex((seed) => !params.labels.includes(seed.data.label));
    if (index >= 0) {
      throw GatewayError.badRequest(
        'Every seed label must be one of labels.',
        ErrorCode.invalidBody,
        `seeds.${index}.data.label`,
      );
    }
  }
  if (params.task === 'json_schema') {
    const schema = params.json_schema as JsonSchema;
    const unsupported = unsupportedKeywords(schema);
    if (unsupported.length > 0) {
      throw GatewayError.badRequest(
        `json_schema uses keywords this service does not validate: ${unsupported.join(', ')}.`,
        ErrorCode.invalidBody,
        'json_schema',
      );
    }
    const index = (params.seeds ?? []).findIndex((seed) => validateJson(schema, seed.data).length > 0);
    if (index >= 0) {
      const [violation] = validateJson(schema, params.seeds?.[index]?.data);
      throw GatewayError.badRequest(
        `Seed ${index} does not validate against json_schema: ${violation?.path || '/'} ${violation?.message}.`,
        ErrorCode.invalidBody,
        `seeds.${index}.data`,
      );
    }
  }
  try {
    createStrategy(taskSpec(params));
  } catch (error) {
    throw GatewayError.badRequest(`The task cannot run: ${(error as Error).message}.`);
  }
}

/** The engine's guidance on synthetic seeds, in the API's shape. */
export function seedGuidance(params: SyntheticJobCreateParams): SyntheticMixingGuidance {
  return apiGuidance(mixingGuidance({ seeds: taskSpec(params).seeds ?? [] }));
}

export function apiGuidance(guidance: ReturnType<typeof mixingGuidance>): SyntheticMixingGuidance {
  return {
    applies: guidance.applies,
    strategy: guidance.strategy,
    min_real_share: guidance.minRealShare,
    synthetic_seeds: guidance.syntheticSeeds,
    max_seed_depth: guidance.maxSeedDepth,
    real_share: guidance.realShare,
    max_synthetic_records: guidance.maxSyntheticRecords,
    messages: guidance.messages,
  };
}

function seedId(seed: ApiSeed, index: number): string {
  return seed.id ?? `seed-${index}`;
}

function seedExample<R>(seed: { id?: string; data: R; provenance?: ApiSeed['provenance'] }, index: number) {
  const example: SeedExample<R> = { id: seedId(seed, index), data: seed.data };
  if (seed.provenance) example.provenance = seedProvenance(seed.provenance);
  return example;
}

/**
 * A seed's provenance as the engine reads it. Only `synthetic` and `generation_depth` are required of
 * callers; fields they left out are filled with what is known, so nothing pretends to more.
 */
function seedProvenance(provenance: NonNullable<ApiSeed['provenance']>): Provenance {
  const text = (key: string) => (typeof provenance[key] === 'string' ? (provenance[key] as string) : 'unknown');
  const list = (key: string): string[] => {
    const value = provenance[key];
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  };
  return {
    synthetic: true,
    generation_depth: provenance.generation_depth,
    generator: text('generator'),
    judge: text('judge'),
    judge_score: typeof provenance.judge_score === 'number' ? provenance.judge_score : 0,
    prompt_template_hash: text('prompt_template_hash'),
    seed_ids: list('seed_ids'),
    parent_ids: list('parent_ids'),
    job_id: text('job_id'),
    created_at: text('created_at'),
  };
}

function diversityControls(diversity: SyntheticDiversity | undefined): DiversityControls | undefined {
  if (!diversity) return undefined;
  return {
    topics: diversity.topics,
    personas: diversity.personas,
    temperature: diversity.temperature,
    fewShot: diversity.few_shot,
  };
}
