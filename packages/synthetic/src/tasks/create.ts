import { classificationStrategy } from './classification.js';
import { evolveStrategy } from './evolve.js';
import { selfInstructStrategy } from './instruction.js';
import { jsonRecordStrategy } from './json-records.js';
import type { TaskStrategy } from './strategy.js';
import type { ClassificationRecord, InstructionRecord, JsonValue, TaskRecord, TaskSpec } from './types.js';

/** The generation strategy for a task; throws when the task is malformed (no seeds, bad schema…). */
export function createStrategy(task: TaskSpec): TaskStrategy {
  switch (task.kind) {
    case 'instruction':
      return selfInstructStrategy(task);
    case 'evolve':
      return evolveStrategy(task);
    case 'classification':
      return classificationStrategy(task);
    case 'json':
      return jsonRecordStrategy(task);
  }
}

/**
 * The text of a record for de-duplication, metrics and fluency scoring. A JSON record contributes its
 * string and number values in key order, not its keys: every record shares the keys, so including
 * them would make unrelated records look like near-duplicates.
 */
export function recordToText(task: TaskSpec, record: TaskRecord): string {
  switch (task.kind) {
    case 'instruction':
    case 'evolve': {
      const { instruction, response } = record as InstructionRecord;
      return `${instruction}\n${response}`;
    }
    case 'classification':
      return (record as ClassificationRecord).text;
    case 'json':
      return jsonLeaves(record as JsonValue).join(' ');
  }
}

function jsonLeaves(value: JsonValue): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (value === null) return [];
  if (Array.isArray(value)) return value.flatMap(jsonLeaves);
  return Object.keys(value)
    .sort()
    .flatMap((key) => jsonLeaves(value[key]!));
}
