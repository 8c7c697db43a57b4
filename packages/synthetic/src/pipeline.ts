import { Deduplicator } from './dedup/deduplicator.js';
import type { DuplicateLookup, NearDuplicateOptions } from './dedup/near-duplicate-index.js';
import type { Judge, JudgeVerdict } from './judge/types.js';
import type { Provenance } from './provenance.js';
import { deriveSeed, SeededRandom } from './random.js';
import { quotas, targetPlan } from './tasks/balance.js';
import { createStrategy, recordToText } from './tasks/create.js';
import type { GenerationOutcome, Source, TaskStrategy } from './tasks/strategy.js';
import type { ChatFunction, TaskRecord, TaskSpec } from './tasks/types.js';

export interface SyntheticJobSpec {
  jobId: string;
  task: TaskSpec;
  /** Records to keep. */
  count: number;
  /** Seed of every random choice: the same spec, models and seed give the same records. */
  seed: number;
  /** The generator model's name, recorded in provenance. */
  generator: string;
  /** Lowest judge score kept. Default 6. */
  minScore?: number;
  /** Attempts generated (and judged) concurrently. Default 8. */
  batchSize?: number;
  /** The job stops, exhausted, after this many attempts. Default 5 × count + batchSize. */
  maxAttempts?: number;
  maxTokens?: number;
  dedup?: NearDuplicateOptions;
}

export interface SyntheticJobDeps {
  chat: ChatFunction;
  judge: Judge;
  /** Records of earlier jobs: queried, never modified. */
  externalIndex?: DuplicateLookup;
  /** Clock for `created_at`. */
  now?: () => Date;
  /** Monotonic milliseconds, for the ETA. */
  clock?: () => number;
}

export interface SyntheticRecord<R extends TaskRecord = TaskRecord> {
  /** 0 .. count − 1, unique per job: a store can key records on (job_id, seq). */
  seq: number;
  id: string;
  /** The attempt that produced the record. */
  attempt: number;
  data: R;
  verdict: JudgeVerdict;
  provenance: Provenance;
}

export interface RejectionCounts {
  /** The model's output could not be turned into a valid record (after retries). */
  invalid: number;
  /** Exact or near-duplicate of a seed, a kept record or an external record. */
  duplicate: number;
  /** Its label already has its share of the balanced count. */
  over_quota: number;
  /** Judged below `minScore`. */
  low_score: number;
  judge_error: number;
  /** The chat model failed. */
  generation_error: number;
}

export interface JobProgress {
  /** Attempts processed: kept + every rejection. */
  generated: number;
  kept: number;
  rejected: RejectionCounts;
  /** Estimated time to completion from this run's pace, or null before the first kept record. */
  eta_ms: number | null;
}

/** Everything needed to resume: attempts are numbered and each attempt's randomness derives from its number. */
export interface JobCheckpoint {
  job_id: string;
  /** Records kept so far; the next record's seq. */
  next_seq: number;
  next_attempt: number;
  generated: number;
  rejected: RejectionCounts;
}

export type JobEvent =
  | { type: 'record'; record: SyntheticRecord; checkpoint: JobCheckpoint }
  | { type: 'progress'; progress: JobProgress; checkpoint: JobCheckpoint }
  | {
      type: 'done';
      /** completed: `count` records kept; exhausted: `maxAttempts` reached first; cancelled: the signal fired. */
      outcome: 'completed' | 'exhausted' | 'cancelled';
      progress: JobProgress;
      checkpoint: JobCheckpoint;
    };

export interface RunOptions {
  signal?: AbortSignal;
  /** A checkpoint and the records kept up to it (at least seq 0 .. next_seq − 1, as the store holds them). */
  resume?: { checkpoint: JobCheckpoint; records: readonly SyntheticRecord[] };
}

export const DEFAULT_MIN_SCORE = 6;
export const DEFAULT_BATCH_SIZE = 8;

/**
 * Runs a synthetic-data job as an async generator of events: generate a batch of attempts
 * concurrently, judge them, then decide each in attempt order (invalid → duplicate → over quota →
 * judge error → low score → kept), assign provenance and yield the kept records.
 *
 * Determinism is what makes resuming safe. Attempt n draws all its randomness from
 * deriveSeed(seed, n); batches are aligned to multiples of batchSize; what a batch may build on (the
 * evolve pool, the label plan) is fixed from records kept before the batch's aligned start; and
 * decisions are taken in attempt order. So resuming from any checkpoint replays exactly the decisions
 * an uninterrupted run makes, and records keep their seq.
 */
export async function* runSyntheticJob(
  spec: SyntheticJobSpec,
  deps: SyntheticJobDeps,
  options: RunOptions = {},
): AsyncGenerator<JobEvent, void, undefined> {
  const run = new JobRun(spec, deps, options);
  const { signal } = options;
  while (run.kept.length < spec.count && run.nextAttempt < run.maxAttempts) {
    if (signal?.aborted) {
      yield run.done('cancelled');
      return;
    }
    let candidates: Candidate[];
    try {
      candidates = await run.generateBatch();
    } catch (error) {
      if (signal?.aborted) {
        yield run.done('cancelled');
        return;
      }
      throw error;
    }
    for (const candidate of candidates) {
      const record = run.decide(candidate);
      if (record) yield { type: 'record', record, checkpoint: run.checkpoint() };
      if (run.kept.length === spec.count) break;
    }
    yield { type: 'progress', progress: run.progress(), checkpoint: run.checkpoint() };
  }
  yield run.done(run.kept.length === spec.count ? 'completed' : 'exhausted');
}

type Candidate =
  | { attempt: number; status: 'generation_error' | 'invalid' }
  | { attempt: number; status: 'duplicate' | 'over_quota' }
  | { attempt: number; status: 'judge_error'; outcome: Accepted; text: string }
  | { attempt: number; status: 'judged'; outcome: Accepted; text: string; verdict: JudgeVerdict };

type Accepted = Extract<GenerationOutcome<TaskRecord>, { ok: true }>;

/** The mutable state of one run of a job. */
class JobRun {
  readonly kept: SyntheticRecord[] = [];
  readonly maxAttempts: number;
  nextAttempt = 0;
  private generated = 0;
  private readonly rejected: RejectionCounts = {
    invalid: 0,
    duplicate: 0,
    over_quota: 0,
    low_score: 0,
    judge_error: 0,
    generation_error: 0,
  };
  private readonly strategy: TaskStrategy;
  private readonly dedup: Deduplicator;
  private readonly quota: Map<string, number> | null;
  private readonly keptPerKey = new Map<string, number>();
  private readonly batchSize: number;
  private readonly minScore: number;
  private readonly clock: () => number;
  private readonly startedAt: number;
  private readonly keptAtStart: number;

  constructor(
    private readonly spec: SyntheticJobSpec,
    private readonly deps: SyntheticJobDeps,
    private readonly options: RunOptions,
  ) {
    if (!Number.isInteger(spec.count) || spec.count < 1) throw new RangeError('count must be a positive integer');
    this.batchSize = spec.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new RangeError('batchSize must be a positive integer');
    }
    this.minScore = spec.minScore ?? DEFAULT_MIN_SCORE;
    if (!(this.minScore >= 1 && this.minScore <= 10)) throw new RangeError('minScore must be between 1 and 10');
    this.maxAttempts = spec.maxAttempts ?? 5 * spec.count + this.batchSize;
    this.strategy = createStrategy(spec.task);
    this.quota = this.strategy.balanceKeys ? quotas(this.strategy.balanceKeys, spec.count) : null;
    this.dedup = new Deduplicator(spec.dedup, deps.externalIndex ? [deps.externalIndex] : []);
    this.indexSeeds();
    if (options.resume) this.restore(options.resume);
    this.clock = deps.clock ?? (() => performance.now());
    this.startedAt = this.clock();
    this.keptAtStart = this.kept.length;
  }

  /** Generates (and where worthwhile judges) every attempt of the batch that holds `nextAttempt`. */
  async generateBatch(): Promise<Candidate[]> {
    const batchStart = Math.floor(this.nextAttempt / this.batchSize) * this.batchSize;
    const end = Math.min(batchStart + this.batchSize, this.maxAttempts);
    const before = this.kept.slice(0, this.keptBefore(batchStart));
    const pool: Source<TaskRecord>[] = before.map((record) => ({
      id: record.id,
      data: record.data,
      depth: record.provenance.generation_depth,
    }));
    const plan = this.planTargets(before, end - batchStart);
    const attempts = Array.from({ length: end - this.nextAttempt }, (_, i) => this.nextAttempt + i);
    return Promise.all(attempts.map((attempt) => this.candidate(attempt, pool, plan[attempt - batchStart])));
  }

  /** Decides one candidate in attempt order; returns the record when it is kept. */
  decide(candidate: Candidate): SyntheticRecord | null {
    this.generated++;
    this.nextAttempt = candidate.attempt + 1;
    switch (candidate.status) {
      case 'generation_error':
      case 'invalid':
      case 'duplicate':
      case 'over_quota':
        return this.reject(candidate.status);
    }
    if (this.dedup.check(candidate.text)) return this.reject('duplicate');
    if (this.quotaFull(candidate.outcome.record)) return this.reject('over_quota');
    if (candidate.status === 'judge_error') return this.reject('judge_error');
    if (candidate.verdict.score < this.minScore) return this.reject('low_score');

    const seq = this.kept.length;
    const id = `${this.spec.jobId}:${seq}`;
    const { outcome, verdict } = candidate;
    const record: SyntheticRecord = {
      seq,
      id,
      attempt: candidate.attempt,
      data: outcome.record,
      verdict,
      provenance: {
        synthetic: true,
        generator: this.spec.generator,
        judge: this.deps.judge.name,
        judge_score: verdict.score,
        prompt_template_hash: this.strategy.promptTemplateHash,
        seed_ids: outcome.seedIds,
        parent_ids: outcome.parentIds,
        generation_depth: outcome.depth,
        job_id: this.spec.jobId,
        created_at: (this.deps.now?.() ?? new Date()).toISOString(),
      },
    };
    this.keep(record, candidate.text);
    return record;
  }

  checkpoint(): JobCheckpoint {
    return {
      job_id: this.spec.jobId,
      next_seq: this.kept.length,
      next_attempt: this.nextAttempt,
      generated: this.generated,
      rejected: { ...this.rejected },
    };
  }

  progress(): JobProgress {
    const keptThisRun = this.kept.length - this.keptAtStart;
    const elapsed = this.clock() - this.startedAt;
    return {
      generated: this.generated,
      kept: this.kept.length,
      rejected: { ...this.rejected },
      eta_ms: keptThisRun > 0 ? Math.round((elapsed / keptThisRun) * (this.spec.count - this.kept.length)) : null,
    };
  }

  done(outcome: 'completed' | 'exhausted' | 'cancelled'): JobEvent {
    return { type: 'done', outcome, progress: this.progress(), checkpoint: this.checkpoint() };
  }

  private async candidate(
    attempt: number,
    pool: readonly Source<TaskRecord>[],
    target: string | undefined,
  ): Promise<Candidate> {
    const { signal } = this.options;
    let outcome: GenerationOutcome<TaskRecord>;
    try {
      outcome = await this.strategy.generate({
        attempt,
        random: new SeededRandom(deriveSeed(this.spec.seed, attempt)),
        chat: this.deps.chat,
        signal,
        maxTokens: this.spec.maxTokens,
        pool,
        target,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      return { attempt, status: 'generation_error' };
    }
    if (!outcome.ok) return { attempt, status: 'invalid' };
    // Checked against the state at the start of the batch: a candidate that is already a duplicate
    // or over quota is not worth a judge call. `decide` checks again against the state in order.
    const text = recordToText(this.spec.task, outcome.record);
    if (this.dedup.check(text)) return { attempt, status: 'duplicate' };
    if (this.quotaFull(outcome.record)) return { attempt, status: 'over_quota' };
    signal?.throwIfAborted();
    try {
      const verdict = await this.deps.judge.score(outcome.record, this.spec.task);
      return { attempt, status: 'judged', outcome, text, verdict };
    } catch (error) {
      if (signal?.aborted) throw error;
      return { attempt, status: 'judge_error', outcome, text };
    }
  }

  /** Number of kept records made by attempts before `attempt` (kept records are in attempt order). */
  private keptBefore(attempt: number): number {
    let lo = 0;
    let hi = this.kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.kept[mid]!.attempt < attempt) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private planTargets(before: readonly SyntheticRecord[], attempts: number): (string | undefined)[] {
    const keys = this.strategy.balanceKeys;
    const keyOf = this.strategy.balanceKeyOf;
    if (!keys || !keyOf || !this.quota) return [];
    const counts = new Map<string, number>();
    for (const record of before) {
      const key = keyOf(record.data);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return targetPlan(keys, this.quota, counts, attempts);
  }

  private quotaFull(record: TaskRecord): boolean {
    if (!this.quota || !this.strategy.balanceKeyOf) return false;
    const key = this.strategy.balanceKeyOf(record);
    return (this.keptPerKey.get(key) ?? 0) >= (this.quota.get(key) ?? 0);
  }

  private reject(reason: keyof RejectionCounts): null {
    this.rejected[reason]++;
    return null;
  }

  private keep(record: SyntheticRecord, text: string): void {
    this.dedup.add(record.id, text);
    this.kept.push(record);
    const key = this.strategy.balanceKeyOf?.(record.data);
    if (key !== undefined) this.keptPerKey.set(key, (this.keptPerKey.get(key) ?? 0) + 1);
  }

  private indexSeeds(): void {
    const seen = new Set<string>();
    for (const seed of this.spec.task.seeds ?? []) {
      if (seen.has(seed.id)) throw new Error(`seed id ${seed.id} is used twice`);
      seen.add(seed.id);
      this.dedup.add(seed.id, recordToText(this.spec.task, seed.data));
    }
  }

  private restore({ checkpoint, records }: NonNullable<RunOptions['resume']>): void {
    if (checkpoint.job_id !== this.spec.jobId) {
      throw new Error(`checkpoint belongs to job ${checkpoint.job_id}, not ${this.spec.jobId}`);
    }
    const bySeq = new Map(records.map((record) => [record.seq, record]));
    for (let seq = 0; seq < checkpoint.next_seq; seq++) {
      const record = bySeq.get(seq);
      if (!record) throw new Error(`cannot resume: record ${seq} of job ${this.spec.jobId} is missing`);
      this.keep(record, recordToText(this.spec.task, record.data));
    }
    this.nextAttempt = checkpoint.next_attempt;
    this.generated = checkpoint.generated;
    Object.assign(this.rejected, checkpoint.rejected);
  }
}
