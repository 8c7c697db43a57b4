import { validateJson } from '../tasks/json-schema.js';
import type { TaskRecord, TaskSpec } from '../tasks/types.js';
import { sameWords, tokenize } from '../text.js';

export interface LengthBounds {
  minWords: number;
  maxWords: number;
}

/** Word-count bounds per field; generous, they catch empty and runaway generations. */
export const DEFAULT_LENGTH_BOUNDS = {
  instruction: { minWords: 3, maxWords: 300 },
  response: { minWords: 1, maxWords: 1500 },
  text: { minWords: 3, maxWords: 500 },
} as const satisfies Record<string, LengthBounds>;

export type RuleBounds = { [field in keyof typeof DEFAULT_LENGTH_BOUNDS]: LengthBounds };

/**
 * Mechanical checks per task: required fields present and non-empty, within length bounds, an
 * instruction different from its response, a label from the label set, a JSON record that validates.
 * Returns one message per failed check.
 */
export function ruleViolations(
  record: TaskRecord,
  task: TaskSpec,
  bounds: RuleBounds = DEFAULT_LENGTH_BOUNDS,
): string[] {
  switch (task.kind) {
    case 'instruction':
    case 'evolve': {
      const instruction = stringField(record, 'instruction');
      const response = stringField(record, 'response');
      const out = [...lengthViolations('instruction', instruction, bounds.instruction)];
      out.push(...lengthViolations('response', response, bounds.response));
      if (instruction !== null && response !== null && sameWords(instruction, response)) {
        out.push('response repeats the instruction');
      }
      return out;
    }
    case 'classification': {
      const out = lengthViolations('text', stringField(record, 'text'), bounds.text);
      const label = stringField(record, 'label');
      if (label === null || !task.labels.includes(label))
        out.push(`label ${JSON.stringify(label)} is not in the label set`);
      return out;
    }
    case 'json':
      return validateJson(task.schema, record).map((v) => `${v.path || '/'}: ${v.message}`);
  }
}

function stringField(record: TaskRecord, field: string): string | null {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return null;
  const value = (record as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : null;
}

function lengthViolations(field: string, value: string | null, { minWords, maxWords }: LengthBounds): string[] {
  if (value === null) return [`${field} is missing`];
  const words = tokenize(value).length;
  if (words === 0) return [`${field} is empty`];
  if (words < minWords) return [`${field} has ${words} words, fewer than ${minWords}`];
  if (words > maxWords) return [`${field} has ${words} words, more than ${maxWords}`];
  return [];
}
