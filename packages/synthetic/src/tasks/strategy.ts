import type { SeededRandom } from '../random.js';
import type { ChatFunction, TaskRecord, TaskSpec } from './types.js';

/** A record an attempt may build on: a seed or a record the job kept earlier. */
export interface Source<R> {
  id: string;
  data: R;
  /** 0 for human data, otherwise the record's generation depth. */
  depth: number;
}

export interface AttemptContext<R> {
  attempt: number;
  /** This attempt's own random stream: the same attempt always makes the same choices. */
  random: SeededRandom;
  chat: ChatFunction;
  signal?: AbortSignal;
  maxTokens?: number;
  /** Records kept before this attempt's batch started, for strategies that evolve earlier output. */
  pool: readonly Source<R>[];
  /** The balance key (classification label) the pipeline assigned to this attempt. */
  target?: string;
}

export type GenerationOutcome<R> =
  | {
      ok: true;
      record: R;
      /** Seeds shown in the prompt. */
      seedIds: string[];
      /** Records this one was derived from (evolve's parent). */
      parentIds: string[];
      /** 1 + the deepest seed or parent used. */
      depth: number;
    }
  | { ok: false; reason: string };

/** One generation strategy: how a task turns an attempt into a candidate record with a chat model. */
export interface TaskStrategy<R extends TaskRecord = TaskRecord> {
  readonly task: TaskSpec;
  /** SHA-256 (first 16 hex digits) of the prompt templates, recorded in provenance. */
  readonly promptTemplateHash: string;
  /** Keys whose kept counts must be equal (classification labels); the pipeline assigns one per attempt. */
  readonly balanceKeys?: readonly string[];
  balanceKeyOf?(record: R): string;
  generate(context: AttemptContext<R>): Promise<GenerationOutcome<R>>;
}
