import type { ChatCompletionChunk } from '@synthwell/contracts';
import type { GuardStep, StreamGuard } from './stream-guard.js';

/** A routed stream as the chat service holds it: the iterator and the chunk already read from it. */
export interface StartedStream {
  iterator: AsyncIterator<ChatCompletionChunk>;
  first: IteratorResult<ChatCompletionChunk>;
}

/**
 * Passes a chat stream through one StreamGuard per choice: content is replaced by what the guard
 * releases, held text goes out with the choice's finish chunk (or a last chunk of its own), and
 * `onStep` sees every step, throwing to end the stream on a violation.
 */
export async function* guardChatStream(
  stream: StartedStream,
  newGuard: () => StreamGuard,
  onStep: (step: GuardStep) => void,
): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  const guards = new Map<number, StreamGuard>();
  const guardFor = (index: number) => {
    const existing = guards.get(index);
    if (existing) return existing;
    const guard = newGuard();
    guards.set(index, guard);
    return guard;
  };
  const step = (result: GuardStep) => {
    onStep(result);
    return result.text;
  };
  let last: ChatCompletionChunk | undefined;
  let failure: { error: unknown } | null = null;
  try {
    try {
      for (let next = stream.first; !next.done; next = await stream.iterator.next()) {
        const chunk = next.value;
        last = chunk;
        const choices: ChatCompletionChunk['choices'] = [];
        for (const choice of chunk.choices) {
          const content = choice.delta.content;
          if (!content && choice.finish_reason == null) {
            choices.push(choice);
            continue;
          }
          const guard = guardFor(choice.index);
          let text = content ? step(guard.push(content)) : '';
          if (choice.finish_reason != null) {
            text += step(guard.finish());
            guards.delete(choice.index);
          }
          // A delta whose text is all held back, with nothing else in it, is not sent at all: an empty
          // event per upstream chunk would cost the client and the gateway a write each for nothing.
          if (!text && choice.finish_reason == null && onlyContent(choice.delta)) continue;
          choices.push({ ...choice, delta: { ...choice.delta, content: text } });
        }
        if (choices.length === 0 && chunk.choices.length > 0 && !chunk.usage) continue;
        yield { ...chunk, choices };
      }
    } catch (error) {
      // An upstream cut mid-stream: what the guards hold was checked like the rest, so it still goes
      // out (and is metered) before the error ends the stream.
      failure = { error };
    }
    // Streams that end without a finish_reason (or end broken) still deliver what their guards held.
    for (const [index, guard] of guards) {
      const text = step(guard.finish());
      if (text && last) {
        yield { ...last, usage: undefined, choices: [{ index, delta: { content: text }, finish_reason: null }] };
      }
    }
    if (failure) throw failure.error;
  } finally {
    await stream.iterator.return?.();
  }
}

/** True when a delta carries text and nothing else (no role or tool calls). */
function onlyContent(delta: ChatCompletionChunk['choices'][number]['delta']): boolean {
  for (const key in delta) if (key !== 'content' && delta[key as keyof typeof delta] !== undefined) return false;
  return true;
}
