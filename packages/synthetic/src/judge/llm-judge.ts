import { extractJson } from '../tasks/parse.js';
import type { ChatFunction, PromptMessage, TaskRecord, TaskSpec } from '../tasks/types.js';
import { type Judge, JudgeError, type JudgeVerdict } from './types.js';

export const JUDGE_SYSTEM_PROMPT =
  'You grade candidate training data for an AI model. Be strict: most candidates deserve 4 to 7. ' +
  'Reply with JSON only: {"score": <integer from 1 to 10>, "rationale": "<one or two sentences>"}.';

const INSTRUCTION_RUBRIC =
  'Score the instruction/response pair from 1 (unusable) to 10 (excellent training data). Judge whether the ' +
  'instruction is clear and self-contained, whether the response follows it completely and correctly, and ' +
  'whether the response is well written. A response that ignores, refuses or repeats the instruction scores 1-2.';

/** What a judge checks per task kind; the record follows as JSON. */
export function rubricFor(task: TaskSpec): string {
  switch (task.kind) {
    case 'instruction':
      return INSTRUCTION_RUBRIC;
    case 'evolve':
      return `${INSTRUCTION_RUBRIC} The instruction was rewritten to be harder: reward real added difficulty.`;
    case 'classification':
      return (
        `Score the labelled example from 1 to 10. The labels are ${task.labels.map((l) => `"${l}"`).join(', ')}. ` +
        `Judge whether the text clearly belongs to its label and to no other, and whether it reads like a real ` +
        `${task.item ?? 'text'}. A text that fits another label better scores 1-3.`
      );
    case 'json':
      return (
        `Score the ${task.item ?? 'record'} from 1 to 10. It already validates against its JSON Schema; judge ` +
        'whether its values are realistic, consistent with each other and with the field names, and useful as training data.'
      );
  }
}

export interface LlmJudgeOptions {
  /** The judge model, as an injected chat function. */
  chat: ChatFunction;
  /** Recorded in provenance, e.g. "llm:gpt-4o-mini". */
  name: string;
  /** Replies without a parsable score are retried this many times in total. Default 2. */
  maxAttempts?: number;
}

/** A judge backed by a chat model, at temperature 0, with a rubric per task kind. */
export function createLlmJudge({ chat, name, maxAttempts = 2 }: LlmJudgeOptions): Judge {
  return {
    name,
    async score(record: TaskRecord, task: TaskSpec): Promise<JudgeVerdict> {
      const messages: PromptMessage[] = [
        { role: 'system', content: JUDGE_SYSTEM_PROMPT },
        { role: 'user', content: `${rubricFor(task)}\n\nCandidate:\n${JSON.stringify(record, null, 2)}` },
      ];
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const reply = await chat(messages, { temperature: 0 });
        const verdict = parseJudgeReply(reply);
        if (verdict) return verdict;
        messages.push(
          { role: 'assistant', content: reply },
          { role: 'user', content: 'Reply with JSON only: {"score": <integer from 1 to 10>, "rationale": "..."}' },
        );
      }
      throw new JudgeError(`${name} gave no parsable score in ${maxAttempts} attempts`);
    },
  };
}

const SCORE_LABEL = /\b(?:score|rating|grade)\b\s*(?:is|of|=|:)?\s*\**\s*(\d+(?:\.\d+)?)(?:\s*(?:\/|out of)\s*10\b)?/i;
const OUT_OF_TEN = /\b(\d+(?:\.\d+)?)\s*(?:\/|out of)\s*10\b/i;

/**
 * A verdict from a judge model's reply, or null. Accepts a JSON object with `score` (number or numeric
 * string) and `rationale`/`reason`/`explanation`, then "Score: 7", "rating is 8/10", "7 out of 10".
 * Scores are rounded; anything outside 1-10 is rejected rather than clamped, because "85" is more
 * likely a different scale than a very good record.
 */
export function parseJudgeReply(reply: string): JudgeVerdict | null {
  const parsed = extractJson(reply);
  if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value)) {
    const { score, rationale, reason, explanation } = parsed.value;
    const numeric = typeof score === 'string' ? Number(score) : score;
    if (typeof numeric === 'number') {
      const text = [rationale, reason, explanation].find((value) => typeof value === 'string');
      return inRange(numeric, typeof text === 'string' ? text : reply.trim());
    }
  }
  const match = SCORE_LABEL.exec(reply) ?? OUT_OF_TEN.exec(reply);
  return match ? inRange(Number(match[1]), reply.trim()) : null;
}

function inRange(score: number, rationale: string): JudgeVerdict | null {
  const rounded = Math.round(score);
  return Number.isFinite(score) && rounded >= 1 && rounded <= 10 ? { score: rounded, rationale } : null;
}
