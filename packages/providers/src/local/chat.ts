import { randomUUID } from 'node:crypto';
import { setImmediate as nextTick } from 'node:timers/promises';
import { type ChatCompletion, type ChatCompletionChunk, type FinishReason, messageText } from '@synthwell/contracts';
import { countChatPromptTokens, countTokens } from '../tokenizer.js';
import { type CallContext, type ChatRequest, ProviderError } from '../types.js';
import { assertSchemaDepth, writeJson } from './json-output.js';
import type { NgramModel } from './ngram.js';
import { mixSeeds, type Rng, randomSeed, seededRandom } from './random.js';
import { writeReply } from './reply.js';
import { topicOf } from './topic.js';

export const DEFAULT_MAX_TOKENS = 128;
const SYSTEM_FINGERPRINT = 'fp_synthwell_ngram_v1';

/** A trained chat model with what the chat layer precomputes for it. */
export interface ChatModel {
  ngram: NgramModel;
  /** Words more frequent than this are not topic keywords. */
  commonFrequency: number;
}

/**
 * Streams a local n-gram chat completion: a role chunk per choice, one content chunk per word
 * (choices interleaved), a finish chunk per choice, then the usage chunk. It yields to the event
 * loop between words, so other requests progress and an abort or deadline is noticed promptly.
 * With `response_format` json_schema or json_object each choice is one JSON value (json-output.ts).
 */
export async function* streamLocalChat(
  req: ChatRequest,
  model: ChatModel,
  ctx: CallContext,
): AsyncGenerator<ChatCompletionChunk> {
  const plan = planReply(req, model);
  const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
  const created = Math.floor(Date.now() / 1000);
  const deadline = ctx.timeouts?.totalMs ? Date.now() + ctx.timeouts.totalMs : Number.POSITIVE_INFINITY;
  const chunk = (
    choices: ChatCompletionChunk['choices'],
    usage?: ChatCompletionChunk['usage'],
  ): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: req.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
    ...(usage ? { usage } : {}),
  });

  const writers = Array.from({ length: plan.choices }, (_, index) =>
    plan.write(seededRandom(mixSeeds(plan.seed, index))),
  );
  const texts = writers.map(() => '');
  for (let index = 0; index < plan.choices; index++) {
    yield chunk([{ index, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
  }
  const active = new Set(writers.keys());
  while (active.size > 0) {
    for (const index of active) {
      checkContinue(ctx, deadline);
      const step = writers[index]!.next();
      if (step.done) {
        active.delete(index);
        yield chunk([{ index, delta: {}, finish_reason: step.value }]);
      } else if (step.value !== '') {
        texts[index] += step.value;
        yield chunk([{ index, delta: { content: step.value }, finish_reason: null }]);
      }
    }
    await nextTick();
  }
  const promptTokens = countChatPromptTokens(req.messages);
  const completionTokens = texts.reduce((sum, text) => sum + countTokens(text), 0);
  yield chunk([], {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  });
}

/** The same completion, assembled from the stream. */
export async function completeLocalChat(req: ChatRequest, model: ChatModel, ctx: CallContext): Promise<ChatCompletion> {
  const contents: string[] = [];
  const finishReasons: Array<FinishReason | null> = [];
  let first: ChatCompletionChunk | null = null;
  let usage: ChatCompletion['usage'] = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  for await (const chunk of streamLocalChat(req, model, ctx)) {
    first ??= chunk;
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      contents[choice.index] = (contents[choice.index] ?? '') + (choice.delta.content ?? '');
      finishReasons[choice.index] = choice.finish_reason ?? finishReasons[choice.index] ?? null;
    }
  }
  return {
    id: first?.id ?? `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    object: 'chat.completion',
    created: first?.created ?? Math.floor(Date.now() / 1000),
    model: req.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: contents.map((content, index) => ({
      index,
      message: { role: 'assistant', content },
      finish_reason: finishReasons[index] ?? 'stop',
    })),
    usage,
  };
}

interface ReplyPlan {
  choices: number;
  seed: number;
  /** One choice's writer: text deltas (empty ones while it works), then the finish reason. */
  write: (rng: Rng) => Generator<string, Extract<FinishReason, 'stop' | 'length'>>;
}

/** Validates the request against what an n-gram model can do, resolves the defaults and picks the writer. */
function planReply(req: ChatRequest, model: ChatModel): ReplyPlan {
  if (req.tools && req.tools.length > 0) {
    throw new ProviderError('unsupported', 'the local n-gram models do not support tools');
  }
  const lastUser = req.messages.findLast((message) => message.role === 'user');
  const message = lastUser ? messageText(lastUser.content) : '';
  const stop = (typeof req.stop === 'string' ? [req.stop] : (req.stop ?? [])).filter((s) => s !== '');
  const sampling = {
    model: model.ngram,
    temperature: req.temperature ?? 1,
    topP: req.top_p ?? 1,
    maxTokens: req.max_completion_tokens ?? req.max_tokens ?? DEFAULT_MAX_TOKENS,
    stop,
  };
  const format = req.response_format ?? { type: 'text' };
  let write: ReplyPlan['write'];
  if (format.type === 'text') {
    const topic = topicOf(message, model.ngram, model.commonFrequency);
    write = (rng) => writeReply({ ...sampling, rng, topic });
  } else {
    const schema = format.type === 'json_schema' ? format.json_schema.schema : undefined;
    assertSchemaDepth(schema);
    write = (rng) => writeJson({ ...sampling, rng, schema, message, commonFrequency: model.commonFrequency });
  }
  return { choices: req.n ?? 1, seed: req.seed ?? randomSeed(), write };
}

function checkContinue(ctx: CallContext, deadline: number): void {
  if (ctx.signal.aborted) throw new ProviderError('aborted', 'the request was cancelled');
  if (Date.now() > deadline) {
    throw new ProviderError('timeout', `the local model did not finish within ${ctx.timeouts?.totalMs} ms`);
  }
}
