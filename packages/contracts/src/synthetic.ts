import { z } from 'zod';

/** Seeds per job: enough for few-shot rotation, small enough that a job spec stays a modest row. */
export const MAX_SYNTHETIC_SEEDS = 1_000;
/** Records one job may keep. */
export const MAX_SYNTHETIC_COUNT = 10_000;
/** Records one evaluation may score. */
export const MAX_EVALUATION_RECORDS = 20_000;

export const SyntheticTask = z.enum(['instruction', 'evolve', 'classification', 'json_schema']);
export type SyntheticTask = z.infer<typeof SyntheticTask>;

export const SyntheticJobStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'canceled']);
export type SyntheticJobStatus = z.infer<typeof SyntheticJobStatus>;

/** What made a synthetic record, so it can always be told apart from human data. */
export const SyntheticProvenance = z.object({
  synthetic: z.literal(true),
  generator: z.string(),
  judge: z.string(),
  judge_score: z.number(),
  /** Hash of the prompt templates (not of the filled-in prompt). */
  prompt_template_hash: z.string(),
  seed_ids: z.array(z.string()),
  parent_ids: z.array(z.string()),
  /** 1 for records made from human seeds; one more than the deepest synthetic seed or parent otherwise. */
  generation_depth: z.number().int().min(1),
  job_id: z.string(),
  created_at: z.string(),
});
export type SyntheticProvenance = z.infer<typeof SyntheticProvenance>;

/**
 * Provenance as a seed may carry it: only the two fields that mark data as synthetic are required,
 * so records from other tools can be declared synthetic too. Any other fields are kept.
 */
const SeedProvenance = z.looseObject({
  synthetic: z.literal(true),
  generation_depth: z.number().int().min(1),
});

/**
 * A seed example. Unknown fields are ignored, so a line of a job's JSONL download is a valid seed as
 * it is; its provenance makes the new records one generation deeper.
 */
function seed<T extends z.ZodType>(data: T) {
  return z.object({
    id: z.string().min(1).max(128).optional(),
    data,
    provenance: SeedProvenance.optional(),
  });
}

export const SyntheticInstructionData = z.strictObject({
  instruction: z.string().min(1).max(20_000),
  response: z.string().min(1).max(50_000),
});
export type SyntheticInstructionData = z.infer<typeof SyntheticInstructionData>;

export const SyntheticClassificationData = z.strictObject({
  text: z.string().min(1).max(20_000),
  label: z.string().min(1).max(200),
});
export type SyntheticClassificationData = z.infer<typeof SyntheticClassificationData>;

export const SyntheticInstructionSeed = seed(SyntheticInstructionData);
export const SyntheticClassificationSeed = seed(SyntheticClassificationData);
/** A JSON-record seed; it must validate against the job's `json_schema`. */
export const SyntheticJsonRecordSeed = seed(z.unknown());

const temperature = z.number().min(0).max(2);

/** Controls that spread generations over topics, personas and temperatures. */
export const SyntheticDiversity = z.strictObject({
  /** Sampled uniformly per attempt. */
  topics: z.array(z.string().min(1).max(200)).max(500).optional(),
  /** Sampled uniformly per attempt ("a nurse", "a high-school student"). */
  personas: z.array(z.string().min(1).max(200)).max(500).optional(),
  /** A fixed temperature, or a range sampled per attempt. Default 0.9. */
  temperature: z
    .union([
      temperature,
      z
        .strictObject({ min: temperature, max: temperature })
        .refine((range) => range.min <= range.max, { message: 'min must not exceed max', path: ['min'] }),
    ])
    .optional(),
  /** Seed examples shown per prompt. Default 3. */
  few_shot: z.number().int().min(1).max(20).optional(),
});
export type SyntheticDiversity = z.infer<typeof SyntheticDiversity>;

export const SyntheticDedup = z.strictObject({
  /** Near-duplicate detection (MinHash + LSH over word 3-grams). Default true; exact duplicates are always dropped. */
  near: z.boolean().optional(),
  /** Estimated Jaccard similarity at or above which two records are near-duplicates. Default 0.8. */
  jaccard: z.number().min(0.5).max(0.99).optional(),
  /** Also drop records that duplicate records of the caller's earlier jobs. Default false. */
  against_previous_jobs: z.boolean().optional(),
});
export type SyntheticDedup = z.infer<typeof SyntheticDedup>;

/** Fields every task shares. */
const jobFields = {
  /** The generator: any chat model the caller's plan includes. */
  model: z.string().min(1).max(256),
  /** A chat model that grades each record; omitted or null: the offline rules + fluency judge. */
  judge_model: z.string().min(1).max(256).nullable().optional(),
  /** Records to keep. */
  count: z.number().int().min(1).max(MAX_SYNTHETIC_COUNT),
  /** Lowest judge score (1-10) a record needs to be kept. Default 6. */
  threshold: z.number().min(1).max(10).optional(),
  /** Seed of every random choice, for reproducible jobs. Default: drawn at submission. */
  seed: z.number().int().min(0).max(2_147_483_647).optional(),
  /** Most tokens per generator call. */
  max_tokens: z.number().int().min(1).max(8_192).optional(),
  dedup: SyntheticDedup.optional(),
  diversity: SyntheticDiversity.optional(),
  /** Keep only as many records as today's quota has left instead of refusing the job. Default false. */
  truncate_to_quota: z.boolean().optional(),
};

export const SyntheticEvolveMethod = z.enum(['constraints', 'deepen', 'concretize', 'reasoning', 'input']);
export type SyntheticEvolveMethod = z.infer<typeof SyntheticEvolveMethod>;

export const SyntheticInstructionJobParams = z.strictObject({
  /** Self-instruct: new instruction/response pairs after rotating few-shot seeds. */
  task: z.literal('instruction'),
  seeds: z.array(SyntheticInstructionSeed).min(1).max(MAX_SYNTHETIC_SEEDS),
  ...jobFields,
});

export const SyntheticEvolveJobParams = z.strictObject({
  /** Evol-Instruct: harder or more specific rewrites of the seeds and of records the job kept. */
  task: z.literal('evolve'),
  seeds: z.array(SyntheticInstructionSeed).min(1).max(MAX_SYNTHETIC_SEEDS),
  /** Rewrite methods sampled per attempt. Default: all. */
  methods: z.array(SyntheticEvolveMethod).min(1).max(5).optional(),
  /** Parents deeper than this are not evolved further. Default 3. */
  max_depth: z.number().int().min(1).max(10).optional(),
  ...jobFields,
});

export const SyntheticClassificationJobParams = z.strictObject({
  /** Labelled texts, kept counts balanced across the labels. */
  task: z.literal('classification'),
  labels: z.array(z.string().min(1).max(200)).min(2).max(100),
  /** What one text is, e.g. "customer support message". */
  item: z.string().min(1).max(200).optional(),
  seeds: z.array(SyntheticClassificationSeed).max(MAX_SYNTHETIC_SEEDS).optional(),
  ...jobFields,
});

export const SyntheticJsonSchemaJobParams = z.strictObject({
  /** Records that validate against a JSON Schema (a documented subset of it). */
  task: z.literal('json_schema'),
  json_schema: z.record(z.string(), z.unknown()),
  /** What one record is, e.g. "customer profile". */
  item: z.string().min(1).max(200).optional(),
  seeds: z.array(SyntheticJsonRecordSeed).max(MAX_SYNTHETIC_SEEDS).optional(),
  ...jobFields,
});

/** The body of `POST /v1/synthetic/jobs`. */
export const SyntheticJobCreateParams = z.discriminatedUnion('task', [
  SyntheticInstructionJobParams,
  SyntheticEvolveJobParams,
  SyntheticClassificationJobParams,
  SyntheticJsonSchemaJobParams,
]);
export type SyntheticJobCreateParams = z.infer<typeof SyntheticJobCreateParams>;

/** Attempts kept out of the job, by reason. */
export const SyntheticRejections = z.object({
  /** The model's output could not be turned into a valid record. */
  invalid: z.number().int(),
  /** Exact or near-duplicate of a seed, a kept record or (on request) an earlier job's record. */
  duplicate: z.number().int(),
  /** Its label already had its share of the balanced count. */
  over_quota: z.number().int(),
  /** Judged below the threshold. */
  low_score: z.number().int(),
  judge_error: z.number().int(),
  /** The generator failed. */
  generation_error: z.number().int(),
});
export type SyntheticRejections = z.infer<typeof SyntheticRejections>;

/** A job's progress; also the data of its `progress` events. */
export const SyntheticProgress = z.object({
  /** Attempts decided: kept plus every rejection. */
  generated: z.number().int(),
  kept: z.number().int(),
  rejected: SyntheticRejections,
  /** Estimated milliseconds to completion, or null before the first kept record. */
  eta_ms: z.number().int().nullable(),
});
export type SyntheticProgress = z.infer<typeof SyntheticProgress>;

/** One metric for the synthetic set and for human text at the same token budget. */
export const SyntheticMetricComparison = z.object({
  synthetic: z.number(),
  reference: z.number(),
  /** synthetic ÷ reference; null when the reference is 0. Near 1 means "as varied as human text". */
  ratio: z.number().nullable(),
});
export type SyntheticMetricComparison = z.infer<typeof SyntheticMetricComparison>;

/** Diversity and divergence from human text, every number at one token budget. */
export const SyntheticMetrics = z.object({
  budget_tokens: z.number().int(),
  tokens: z.object({ synthetic: z.number().int(), reference: z.number().int() }),
  texts: z.object({ synthetic: z.number().int(), reference: z.number().int() }),
  distinct_1: SyntheticMetricComparison,
  distinct_2: SyntheticMetricComparison,
  distinct_3: SyntheticMetricComparison,
  entropy_1: SyntheticMetricComparison,
  entropy_2: SyntheticMetricComparison,
  entropy_3: SyntheticMetricComparison,
  compression_ratio: SyntheticMetricComparison,
  mattr: SyntheticMetricComparison,
  tail_coverage: SyntheticMetricComparison,
  js_unigram: SyntheticMetricComparison,
  js_bigram: SyntheticMetricComparison,
  near_duplicate_rate: SyntheticMetricComparison,
});
export type SyntheticMetrics = z.infer<typeof SyntheticMetrics>;

/** Collapse risk: the worst level any check reached, one reason per check tripped. */
export const SyntheticVerdict = z.object({
  level: z.enum(['ok', 'warn', 'high']),
  reasons: z.array(z.string()),
});
export type SyntheticVerdict = z.infer<typeof SyntheticVerdict>;

/** How to use the records in training: accumulate with real data, never replace it. */
export const SyntheticMixingGuidance = z.object({
  /** True when seeds were synthetic or a training mix was described. */
  applies: z.boolean(),
  strategy: z.literal('accumulate'),
  min_real_share: z.number(),
  synthetic_seeds: z.number().int(),
  max_seed_depth: z.number().int(),
  real_share: z.number().nullable(),
  max_synthetic_records: z.number().int().nullable(),
  messages: z.array(z.string()),
});
export type SyntheticMixingGuidance = z.infer<typeof SyntheticMixingGuidance>;

export const SyntheticJob = z.object({
  /** `job_…` */
  id: z.string(),
  object: z.literal('synthetic.job'),
  task: SyntheticTask,
  status: SyntheticJobStatus,
  model: z.string(),
  judge_model: z.string().nullable(),
  /** The judge's name as provenance records it. */
  judge: z.string(),
  /** Records the job keeps: the requested count, or less when truncated to the quota. */
  count: z.number().int(),
  requested_count: z.number().int(),
  threshold: z.number(),
  seed: z.number().int(),
  progress: SyntheticProgress,
  /** Why a finished job stopped: `count` records kept, or the attempt budget ran out first. */
  outcome: z.enum(['completed', 'exhausted']).nullable(),
  /** Set when the job has finished with records. */
  metrics: SyntheticMetrics.nullable(),
  verdict: SyntheticVerdict.nullable(),
  mixing_guidance: SyntheticMixingGuidance,
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Unix seconds. */
  created_at: z.number().int(),
  started_at: z.number().int().nullable(),
  finished_at: z.number().int().nullable(),
  cancel_requested_at: z.number().int().nullable(),
});
export type SyntheticJob = z.infer<typeof SyntheticJob>;

export const SyntheticRecord = z.object({
  /** `<job id>:<seq>`: stable, so a resumed job never writes a record twice. */
  id: z.string(),
  object: z.literal('synthetic.record'),
  job_id: z.string(),
  /** 0 .. count − 1, in the order records were kept. */
  seq: z.number().int(),
  /** `{ instruction, response }`, `{ text, label }` or the JSON record. */
  data: z.unknown(),
  judge: z.object({ score: z.number(), rationale: z.string() }),
  provenance: SyntheticProvenance,
});
export type SyntheticRecord = z.infer<typeof SyntheticRecord>;

function list<T extends z.ZodType>(item: T) {
  return z.object({
    object: z.literal('list'),
    data: z.array(item),
    has_more: z.boolean(),
    /** Pass back as `cursor` for the next page; null on the last one. */
    next_cursor: z.string().nullable(),
  });
}

export const SyntheticJobList = list(SyntheticJob);
export type SyntheticJobList = z.infer<typeof SyntheticJobList>;
export const SyntheticRecordList = list(SyntheticRecord);
export type SyntheticRecordList = z.infer<typeof SyntheticRecordList>;

/** A page size: a number in JSON, digits in a query string. */
function pageSize(max: number) {
  return z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,9}$/, 'must be a whole number')
        .transform(Number),
    ])
    .pipe(z.number().int().min(1).max(max));
}

/** Query of `GET /v1/synthetic/jobs`, newest first. */
export const SyntheticJobListParams = z.strictObject({
  limit: pageSize(100).optional(),
  cursor: z.string().min(1).max(256).optional(),
  status: SyntheticJobStatus.optional(),
});
export type SyntheticJobListParams = z.infer<typeof SyntheticJobListParams>;

/** Query of `GET /v1/synthetic/jobs/{id}/records`, in seq order. */
export const SyntheticRecordListParams = z.strictObject({
  limit: pageSize(1_000).optional(),
  cursor: z.string().min(1).max(256).optional(),
  /** `jsonl` streams every record as JSON Lines (as does `Accept: application/x-ndjson`). */
  format: z.enum(['json', 'jsonl']).optional(),
});
export type SyntheticRecordListParams = z.infer<typeof SyntheticRecordListParams>;

/** The body of `POST /v1/synthetic/evaluate`. */
export const SyntheticEvaluateParams = z.strictObject({
  /**
   * Texts, or records: `{ instruction, response }`, `{ text }`, a JSON record, or a line of a job's
   * download (`{ data, provenance }`). Records with provenance count as synthetic for the guidance.
   */
  records: z
    .array(z.union([z.string().max(100_000), z.record(z.string(), z.unknown())]))
    .min(1)
    .max(MAX_EVALUATION_RECORDS),
  /** Human texts to compare with; default: held-out Brown corpus sentences. */
  reference: z.array(z.string().max(100_000)).min(2).max(50_000).optional(),
  /** A planned training mix, for guidance on how much synthetic data it can take. */
  training_mix: z
    .strictObject({
      real_records: z.number().int().min(0),
      synthetic_records: z.number().int().min(0),
    })
    .optional(),
});
export type SyntheticEvaluateParams = z.infer<typeof SyntheticEvaluateParams>;

export const SyntheticEvaluation = z.object({
  object: z.literal('synthetic.evaluation'),
  reference: z.enum(['brown_heldout', 'custom']),
  records: z.number().int(),
  /** Records that carried synthetic provenance. */
  synthetic_records: z.number().int(),
  metrics: SyntheticMetrics,
  verdict: SyntheticVerdict,
  mixing_guidance: SyntheticMixingGuidance,
});
export type SyntheticEvaluation = z.infer<typeof SyntheticEvaluation>;

/** Defaults of the collapse lab. Its bounds keep one request to at most about two seconds of CPU. */
export const LAB_DEFAULTS = {
  gaussian: { samples_per_generation: 50, generations: 30, runs: 500 },
  regression: { samples: 30, dimensions: 5, noise_std: 1, generations: 10, runs: 300 },
  ngram: { sentences: 400, generations: 5, order: 2, real_share: 0.1 },
} as const;

const labSeed = z.number().int().min(0).max(2_147_483_647).optional();

export const SyntheticLabStrategy = z.enum(['replace', 'accumulate', 'mix']);
export type SyntheticLabStrategy = z.infer<typeof SyntheticLabStrategy>;

/** The body of `POST /v1/synthetic/lab`: one recursive-training experiment, seeded and bounded. */
export const SyntheticLabParams = z.discriminatedUnion('experiment', [
  z
    .strictObject({
      /** A Gaussian refitted on its own samples each generation (Shumailov et al.). */
      experiment: z.literal('gaussian'),
      seed: labSeed,
      samples_per_generation: z.number().int().min(2).max(1_000).optional(),
      generations: z.number().int().min(1).max(100).optional(),
      runs: z.number().int().min(1).max(2_000).optional(),
    })
    .refine(
      (p) =>
        (p.samples_per_generation ?? LAB_DEFAULTS.gaussian.samples_per_generation) *
          (p.generations ?? LAB_DEFAULTS.gaussian.generations) *
          (p.runs ?? LAB_DEFAULTS.gaussian.runs) <=
        5_000_000,
      { message: 'samples_per_generation × generations × runs must be at most 5,000,000', path: ['runs'] },
    ),
  z
    .strictObject({
      /** Linear regression retrained on its own labels, replacing versus accumulating (Gerstgrasser et al.). */
      experiment: z.literal('regression'),
      seed: labSeed,
      samples: z.number().int().min(3).max(100).optional(),
      dimensions: z.number().int().min(1).max(10).optional(),
      noise_std: z.number().gt(0).max(10).optional(),
      generations: z.number().int().min(1).max(20).optional(),
      runs: z.number().int().min(1).max(1_000).optional(),
    })
    .refine(
      (p) => (p.samples ?? LAB_DEFAULTS.regression.samples) > (p.dimensions ?? LAB_DEFAULTS.regression.dimensions) + 1,
      { message: 'samples must exceed dimensions + 1', path: ['samples'] },
    ),
  z.strictObject({
    /** The built-in n-gram model retrained on its own samples: replace, accumulate, or mix in real data. */
    experiment: z.literal('ngram'),
    seed: labSeed,
    /** Human training sentences (Brown corpus); each generation samples as many. */
    sentences: z.number().int().min(50).max(600).optional(),
    generations: z.number().int().min(1).max(6).optional(),
    order: z.number().int().min(2).max(3).optional(),
    /** Real share of the `mix` strategy's training set. Default 0.1. */
    real_share: z.number().gt(0).lt(1).optional(),
    strategies: z.array(SyntheticLabStrategy).min(1).max(3).optional(),
  }),
]);
export type SyntheticLabParams = z.infer<typeof SyntheticLabParams>;

export const SyntheticLabGaussianPoint = z.object({
  generation: z.number().int(),
  median_std: z.number(),
  mean_variance: z.number(),
  /** E[σ²_t] = σ₀² ((M − 1)/M)^t for the maximum-likelihood fit. */
  theory_variance: z.number(),
});

export const SyntheticLabRegressionPoint = z.object({
  generation: z.number().int(),
  /** Test error ‖ŵ_t − w*‖² when each generation trains on the previous one's labels alone. */
  replace: z.number(),
  /** The same when every generation's data is kept. */
  accumulate: z.number(),
  theory_replace: z.number(),
  theory_accumulate: z.number(),
});

export const SyntheticLabNgramPoint = z.object({
  generation: z.number().int(),
  /** Bits per token on held-out human sentences. */
  cross_entropy: z.number(),
  /** Share of the real data's rare words that the generation's samples still use. */
  tail_coverage: z.number(),
  distinct_2: z.number(),
  training_sentences: z.number().int(),
  real_share: z.number(),
});

const labResult = { object: z.literal('synthetic.lab'), seed: z.number().int() };

export const SyntheticLabResult = z.discriminatedUnion('experiment', [
  z.object({
    ...labResult,
    experiment: z.literal('gaussian'),
    parameters: z.object({ samples_per_generation: z.number(), generations: z.number(), runs: z.number() }),
    points: z.array(SyntheticLabGaussianPoint),
  }),
  z.object({
    ...labResult,
    experiment: z.literal('regression'),
    parameters: z.object({
      samples: z.number(),
      dimensions: z.number(),
      noise_std: z.number(),
      generations: z.number(),
      runs: z.number(),
    }),
    points: z.array(SyntheticLabRegressionPoint),
  }),
  z.object({
    ...labResult,
    experiment: z.literal('ngram'),
    parameters: z.object({
      sentences: z.number(),
      generations: z.number(),
      order: z.number(),
      real_share: z.number(),
      strategies: z.array(SyntheticLabStrategy),
    }),
    series: z.object({
      replace: z.array(SyntheticLabNgramPoint).optional(),
      accumulate: z.array(SyntheticLabNgramPoint).optional(),
      mix: z.array(SyntheticLabNgramPoint).optional(),
    }),
  }),
]);
export type SyntheticLabResult = z.infer<typeof SyntheticLabResult>;
