import { sameWords } from '../text.js';
import { cleanReply } from './parse.js';
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
import type { ClassificationRecord, ClassificationTask } from './types.js';

export const CLASSIFICATION_TEMPLATES = {
  system: 'You write realistic examples for a text classification dataset.',
  user:
    'Categories: {labels}.\n{examples}Write one new {item} that clearly belongs to the category "{label}"' +
    '{focus}. Reply with the text only.',
} as const;

export const DEFAULT_CLASSIFICATION_ITEM = 'short text';

/**
 * Labelled examples. The label is not left to the model: the pipeline assigns each attempt the label
 * furthest below its quota and the model writes a text for it, so kept counts end up balanced and a
 * model that cannot produce a format still yields correctly labelled records.
 */
export function classificationStrategy(task: ClassificationTask): TaskStrategy<ClassificationRecord> {
  const labels = [...new Set(task.labels)];
  if (labels.length < 2) throw new Error('classification needs at least two distinct labels');
  const unknown = (task.seeds ?? []).filter((seed) => !labels.includes(seed.data.label));
  if (unknown.length > 0) throw new Error(`seed ${unknown[0]!.id} has a label outside the label set`);
  const seeds = seedSources(task.seeds);
  return {
    task,
    promptTemplateHash: templateHash([CLASSIFICATION_TEMPLATES.system, CLASSIFICATION_TEMPLATES.user]),
    balanceKeys: labels,
    balanceKeyOf: (record) => record.label,
    async generate(context: AttemptContext<ClassificationRecord>): Promise<GenerationOutcome<ClassificationRecord>> {
      const { random } = context;
      const label = context.target ?? random.pick(labels);
      const shown = rotatingSeeds(seeds, context.attempt, task.diversity, random);
      const temperature = sampleTemperature(task.diversity, random);
      const examples = shown.length
        ? `Examples:\n${shown.map((seed) => `- [${seed.data.label}] ${seed.data.text}`).join('\n')}\n\n`
        : '';
      const prompt = fill(CLASSIFICATION_TEMPLATES.user, {
        labels: labels.map((l) => `"${l}"`).join(', '),
        examples,
        item: task.item ?? DEFAULT_CLASSIFICATION_ITEM,
        label,
        focus: focusClause(task.diversity, random),
      });
      const text = cleanReply(
        await context.chat(
          [
            { role: 'system', content: CLASSIFICATION_TEMPLATES.system },
            { role: 'user', content: prompt },
          ],
          { temperature, seed: chatSeed(random), maxTokens: context.maxTokens, signal: context.signal },
        ),
      ).replace(/^\[[^\]]*\]\s*/, '');
      if (!text) return { ok: false, reason: 'empty text' };
      if (sameWords(text, label)) return { ok: false, reason: 'text is only the label' };
      return {
        ok: true,
        record: { text, label },
        seedIds: shown.map((seed) => seed.id),
        parentIds: [],
        depth: depthFrom(shown),
      };
    },
  };
}
