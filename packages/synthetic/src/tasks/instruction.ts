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
import type { InstructionRecord, InstructionTask, PromptMessage } from './types.js';

export const SELF_INSTRUCT_TEMPLATES = {
  system:
    'You write new tasks for training a helpful AI assistant. Each task is self-contained and answerable in text.',
  user: 'Here are some example tasks:\n{examples}\n\nWrite one new task that differs from all of them{focus}. Reply with the task only.',
} as const;

export const RESPONSE_TEMPLATES = {
  system: 'You are a helpful, accurate assistant. Answer the task directly and completely.',
} as const;

/**
 * Self-instruct (Wang et al. 2023): the model writes a new instruction after a few seed
 * instructions (a different window of seeds per attempt), then answers it in a second call, so the
 * response is conditioned on the instruction alone and not on the seeds' answers.
 */
export function selfInstructStrategy(task: InstructionTask): TaskStrategy<InstructionRecord> {
  if (task.seeds.length === 0) throw new Error('self-instruct needs at least one seed example');
  const seeds = seedSources(task.seeds);
  return {
    task,
    promptTemplateHash: templateHash([
      SELF_INSTRUCT_TEMPLATES.system,
      SELF_INSTRUCT_TEMPLATES.user,
      RESPONSE_TEMPLATES.system,
    ]),
    async generate(context: AttemptContext<InstructionRecord>): Promise<GenerationOutcome<InstructionRecord>> {
      const { random } = context;
      const shown = rotatingSeeds(seeds, context.attempt, task.diversity, random);
      const temperature = sampleTemperature(task.diversity, random);
      const examples = shown.map((seed, i) => `${i + 1}. ${seed.data.instruction}`).join('\n');
      const focus = focusClause(task.diversity, random, 'ask');
      const instruction = cleanReply(
        await context.chat(
          [
            { role: 'system', content: SELF_INSTRUCT_TEMPLATES.system },
            { role: 'user', content: fill(SELF_INSTRUCT_TEMPLATES.user, { examples, focus }) },
          ],
          { temperature, seed: chatSeed(random), maxTokens: context.maxTokens, signal: context.signal },
        ),
      );
      if (!instruction) return { ok: false, reason: 'empty instruction' };
      const response = await answer(instruction, context, temperature);
      if (!response) return { ok: false, reason: 'empty response' };
      return {
        ok: true,
        record: { instruction, response },
        seedIds: shown.map((seed) => seed.id),
        parentIds: [],
        depth: depthFrom(shown),
      };
    },
  };
}

/** Answers an instruction in a fresh conversation. */
export async function answer(
  instruction: string,
  context: AttemptContext<InstructionRecord>,
  temperature: number,
): Promise<string> {
  const messages: PromptMessage[] = [
    { role: 'system', content: RESPONSE_TEMPLATES.system },
    { role: 'user', content: instruction },
  ];
  const reply = await context.chat(messages, {
    temperature,
    seed: chatSeed(context.random),
    maxTokens: context.maxTokens,
    signal: context.signal,
  });
  return reply.trim();
}
