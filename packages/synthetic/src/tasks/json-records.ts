import { unsafePatterns, unsupportedKeywords, validateJson } from './json-schema.js';
import { extractJson } from './parse.js';
import {
  chatSeed,
  depthFrom,
  fill,
  focusClause,
  rotatingSeeds,
  sampleTemperature,
  seedSources,
  templateHash,
} from './prompting.js';
import type { AttemptContext, GenerationOutcome, TaskStrategy } from './strategy.js';
import type { JsonTask, JsonValue, PromptMessage } from './types.js';

export const JSON_TEMPLATES = {
  system: 'You produce realistic records as JSON that validates against a given JSON Schema.',
  user: 'JSON Schema:\n{schema}\n\n{examples}Write one new {item}{focus} as JSON that validates against the schema. Reply with the JSON only.',
  retry: 'That reply is not valid: {errors}. Reply with corrected JSON only.',
} as const;

export const DEFAULT_JSON_RETRIES = 2;
export const DEFAULT_JSON_ITEM = 'record';

/**
 * Records for a user's JSON Schema. An invalid reply is answered with the validation errors and a
 * request to correct it, up to `maxRetries` times in the same conversation; then the attempt is
 * dropped and counted as invalid.
 */
export function jsonRecordStrategy(task: JsonTask): TaskStrategy<JsonValue> {
  const unsupported = unsupportedKeywords(task.schema);
  if (unsupported.length > 0) throw new Error(`unsupported JSON Schema keywords: ${unsupported.join(', ')}`);
  const unsafe = unsafePatterns(task.schema);
  if (unsafe.length > 0) throw new Error(`JSON Schema patterns refused: ${unsafe.join(', ')}`);
  const invalidSeed = (task.seeds ?? []).find((seed) => validateJson(task.schema, seed.data).length > 0);
  if (invalidSeed) throw new Error(`seed ${invalidSeed.id} does not validate against the schema`);
  const maxRetries = task.maxRetries ?? DEFAULT_JSON_RETRIES;
  const seeds = seedSources(task.seeds);
  const schemaText = JSON.stringify(task.schema, null, 2);
  return {
    task,
    promptTemplateHash: templateHash([JSON_TEMPLATES.system, JSON_TEMPLATES.user, JSON_TEMPLATES.retry]),
    async generate(context: AttemptContext<JsonValue>): Promise<GenerationOutcome<JsonValue>> {
      const { random } = context;
      const shown = rotatingSeeds(seeds, context.attempt, task.diversity, random);
      const temperature = sampleTemperature(task.diversity, random);
      const examples = shown.length
        ? `Examples:\n${shown.map((seed) => JSON.stringify(seed.data)).join('\n')}\n\n`
        : '';
      const messages: PromptMessage[] = [
        { role: 'system', content: JSON_TEMPLATES.system },
        {
          role: 'user',
          content: fill(JSON_TEMPLATES.user, {
            schema: schemaText,
            examples,
            item: task.item ?? DEFAULT_JSON_ITEM,
            focus: focusClause(task.diversity, random),
          }),
        },
      ];
      let lastError = '';
      for (let round = 0; round <= maxRetries; round++) {
        const reply = await context.chat(messages, {
          temperature,
          seed: chatSeed(random),
          maxTokens: context.maxTokens,
          signal: context.signal,
          jsonSchema: task.schema,
        });
        const parsed = extractJson(reply);
        const errors = parsed.ok
          ? validateJson(task.schema, parsed.value).map((v) => `${v.path || '/'}: ${v.message}`)
          : [parsed.error];
        if (parsed.ok && errors.length === 0) {
          return {
            ok: true,
            record: parsed.value,
            seedIds: shown.map((s) => s.id),
            parentIds: [],
            depth: depthFrom(shown),
          };
        }
        lastError = errors.join('; ');
        messages.push(
          { role: 'assistant', content: reply },
          { role: 'user', content: fill(JSON_TEMPLATES.retry, { errors: lastError }) },
        );
      }
      return { ok: false, reason: `invalid after ${maxRetries} corrections: ${lastError}` };
    },
  };
}
