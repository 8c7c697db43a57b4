import type { ChatMessage } from '@synthwell/contracts';
import type { Provenance } from '../provenance.js';
import type { JsonSchema } from './json-schema.js';

/** A plain-text chat message: the subset of the public API's `ChatMessage` that strategies write. */
export type PromptMessage = Extract<ChatMessage, { role: 'system' | 'user' | 'assistant' }> & { content: string };

export interface ChatOptions {
  temperature?: number;
  /** Sampling seed, derived from the job seed and the attempt, for providers that honour one. */
  seed?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  /**
   * The JSON Schema the reply must validate against, for models with structured output (OpenAI's
   * `response_format` json_schema). The prompt still asks for the JSON, for models without it.
   */
  jsonSchema?: JsonSchema;
}

/** Any chat model, injected: returns the assistant's reply text. */
export type ChatFunction = (messages: readonly PromptMessage[], options?: ChatOptions) => Promise<string>;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface InstructionRecord {
  instruction: string;
  response: string;
}

export interface ClassificationRecord {
  text: string;
  label: string;
}

export type TaskRecord = InstructionRecord | ClassificationRecord | JsonValue;

/** A seed example. Seeds that carry provenance are synthetic and raise the generation depth. */
export interface SeedExample<R> {
  id: string;
  data: R;
  provenance?: Provenance;
}

export interface DiversityControls {
  /** Topics sampled uniformly per attempt. */
  topics?: readonly string[];
  /** Personas sampled uniformly per attempt ("a nurse", "a high-school student"). */
  personas?: readonly string[];
  /** A fixed temperature, or a range sampled uniformly per attempt. Default 0.9. */
  temperature?: number | { min: number; max: number };
  /** Seed examples shown per prompt; successive attempts rotate through the seeds. Default 3. */
  fewShot?: number;
}

/** Self-instruct: new instructions written from rotating few-shot seeds, then answered. */
export interface InstructionTask {
  kind: 'instruction';
  seeds: readonly SeedExample<InstructionRecord>[];
  diversity?: DiversityControls;
}

export const EVOLVE_METHODS = {
  constraints: 'more constrained version (add one concrete requirement or constraint)',
  deepen: 'deeper version (ask for more depth or breadth on the same point)',
  concretize: 'more specific version (replace general concepts with specific ones)',
  reasoning: 'multi-step version (require explicit reasoning in several steps)',
  input: 'input-grounded version (add a short concrete input, such as a text, list or table, to work on)',
} as const;
export type EvolveMethod = keyof typeof EVOLVE_METHODS;

/** Evol-Instruct style: harder or more specific rewrites of seeds or of records this job kept. */
export interface EvolveTask {
  kind: 'evolve';
  seeds: readonly SeedExample<InstructionRecord>[];
  /** Rewrite methods sampled per attempt. Default: all of them. */
  methods?: readonly EvolveMethod[];
  /** Parents deeper than this are not evolved further. Default 3. */
  maxDepth?: number;
  diversity?: DiversityControls;
}

/** Labelled texts, with kept counts balanced across the labels. */
export interface ClassificationTask {
  kind: 'classification';
  labels: readonly string[];
  /** What one text is, e.g. "customer support message". Default "short text". */
  item?: string;
  seeds?: readonly SeedExample<ClassificationRecord>[];
  diversity?: DiversityControls;
}

/** Records that must validate against a JSON Schema. */
export interface JsonTask {
  kind: 'json';
  schema: JsonSchema;
  /** What one record is, e.g. "customer profile". Default "record". */
  item?: string;
  seeds?: readonly SeedExample<JsonValue>[];
  /** Corrections asked for after an invalid reply before the attempt is dropped. Default 2. */
  maxRetries?: number;
  diversity?: DiversityControls;
}

export type TaskSpec = InstructionTask | EvolveTask | ClassificationTask | JsonTask;
export type TaskKind = TaskSpec['kind'];
