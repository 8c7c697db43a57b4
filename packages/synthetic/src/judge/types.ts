import type { TaskRecord, TaskSpec } from '../tasks/types.js';

export interface JudgeVerdict {
  /** Integer from 1 (unusable) to 10 (excellent). */
  score: number;
  rationale: string;
}

/** Grades one candidate record for its task. */
export interface Judge {
  /** Recorded in provenance, e.g. "llm:gpt-4o-mini" or "offline:ngram-brown". */
  readonly name: string;
  score(record: TaskRecord, task: TaskSpec): Promise<JudgeVerdict>;
}

/** The judge could not produce a score (e.g. the model's replies never contained one). */
export class JudgeError extends Error {
  override readonly name = 'JudgeError';
}
