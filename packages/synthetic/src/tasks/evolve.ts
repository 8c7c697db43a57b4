import { sameWords } from '../text.js';
import { answer, RESPONSE_TEMPLATES } from './instruction.js';
import { cleanReply } from './parse.js';
import { chatSeed, depthFrom, fill, sampleTemperature, seedSources, templateHash } from './prompting.js';
import type { AttemptContext, GenerationOutcome, TaskStrategy } from './strategy.js';
import { EVOLVE_METHODS, type EvolveMethod, type EvolveTask, type InstructionRecord } from './types.js';

export const EVOLVE_TEMPLATES = {
  system: 'You rewrite tasks for training an AI assistant into harder or more specific tasks.',
  user:
    'Rewrite the task below into a {method}. The rewrite must stay self-contained and answerable, ' +
    'and must not answer the task.\n\nTask: {instruction}\n\nReply with the rewritten task only.',
} as const;

export const DEFAULT_MAX_EVOLVE_DEPTH = 3;

/**
 * Evol-Instruct (Xu et al. 2023): a parent instruction, a seed or a record kept earlier in the job, is
 * rewritten by one sampled method and the rewrite is answered in a fresh call. Records kept by this
 * job become parents for later batches, so depth grows until `maxDepth`.
 */
export function evolveStrategy(task: EvolveTask): TaskStrategy<InstructionRecord> {
  if (task.seeds.length === 0) throw new Error('evolve needs at least one seed example');
  const methods: readonly EvolveMethod[] = task.methods?.length
    ? task.methods
    : (Object.keys(EVOLVE_METHODS) as EvolveMethod[]);
  const maxDepth = task.maxDepth ?? DEFAULT_MAX_EVOLVE_DEPTH;
  const seeds = seedSources(task.seeds);
  return {
    task,
    promptTemplateHash: templateHash([EVOLVE_TEMPLATES.system, EVOLVE_TEMPLATES.user, RESPONSE_TEMPLATES.system]),
    async generate(context: AttemptContext<InstructionRecord>): Promise<GenerationOutcome<InstructionRecord>> {
      const { random } = context;
      const parents = [...seeds, ...context.pool].filter((source) => source.depth < maxDepth);
      if (parents.length === 0) return { ok: false, reason: 'every parent is at the maximum depth' };
      const parent = random.pick(parents);
      const method = random.pick(methods);
      const temperature = sampleTemperature(task.diversity, random);
      const instruction = cleanReply(
        await context.chat(
          [
            { role: 'system', content: EVOLVE_TEMPLATES.system },
            {
              role: 'user',
              content: fill(EVOLVE_TEMPLATES.user, {
                method: EVOLVE_METHODS[method],
                instruction: parent.data.instruction,
              }),
            },
          ],
          { temperature, seed: chatSeed(random), maxTokens: context.maxTokens, signal: context.signal },
        ),
      );
      if (!instruction) return { ok: false, reason: 'empty instruction' };
      if (sameWords(instruction, parent.data.instruction))
        return { ok: false, reason: 'rewrite is identical to its parent' };
      const response = await answer(instruction, context, temperature);
      if (!response) return { ok: false, reason: 'empty response' };
      const isSeed = seeds.includes(parent);
      return {
        ok: true,
        record: { instruction, response },
        seedIds: isSeed ? [parent.id] : [],
        parentIds: [parent.id],
        depth: depthFrom([parent]),
      };
    },
  };
}
