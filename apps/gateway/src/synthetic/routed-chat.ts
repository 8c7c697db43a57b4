import { ErrorCode } from '@synthwell/contracts';
import { newId } from '@synthwell/db';
import { type ChatRequest, countChatPromptTokens, countTokens } from '@synthwell/providers';
import type { ChatFunction, JsonSchema } from '@synthwell/synthetic';
import type { CatalogModel } from '../catalog/catalog.service.js';
import type { GatewayConfig } from '../config/env.js';
import type { GatewayError } from '../errors/gateway-error.js';
import { toGatewayError } from '../errors/openai-exception.filter.js';
import type { UsageLedger } from '../metering/usage-ledger.js';
import { backoffDelay, sleep } from '../router/backoff.js';
import type { RouterService } from '../router/router.service.js';

/** Retries of one call that the upstream rate-limited, beyond the router's own. */
const MAX_RATE_LIMITED_RETRIES = 8;
/** The longest pause a job takes for one rate-limit answer. */
const MAX_PAUSE_MS = 60_000;

/**
 * One job's pause after an upstream 429. Every call of the job waits it out, so a batch of concurrent
 * calls backs off together instead of each hammering the upstream on its own schedule.
 */
export class UpstreamBackoff {
  private until = 0;
  private streak = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async wait(signal: AbortSignal): Promise<void> {
    const remaining = this.until - this.now();
    if (remaining > 0) await sleep(remaining, signal);
  }

  /** Pauses for the upstream's retry-after, or an exponentially growing jittered delay without one. */
  pause(retryAfterMs: number | null): void {
    const delay = Math.min(MAX_PAUSE_MS, retryAfterMs ?? 1_000 + backoffDelay(this.streak, Math.random, 1_000, 30_000));
    this.streak++;
    this.until = Math.max(this.until, this.now() + delay);
  }

  recovered(): void {
    this.streak = 0;
  }
}

export interface RoutedChatOptions {
  router: RouterService;
  ledger: UsageLedger;
  config: GatewayConfig;
  model: CatalogModel;
  /** Whose usage it is: every upstream call is metered as a `synthetic` usage record. */
  owner: { userId: string; apiKeyId: string | null };
  /** Prefixes each call's request id (`<job id>/req_…`), so usage records trace back to their job. */
  jobId: string;
  backoff: UpstreamBackoff;
  /** The job's signal: cancellation or shutdown abort calls in flight. */
  signal: AbortSignal;
}

/**
 * The engine's chat function over the gateway's provider layer: the same routes, retries and fallbacks
 * as /v1/chat/completions, one usage record per upstream call, and a job-wide pause on upstream 429s.
 * A call that carries a JSON Schema asks for structured output from routes whose adapter honours it
 * (`capabilities.jsonSchema`); other routes get the plain request, and the prompt asks for the JSON.
 */
export function routedChat(options: RoutedChatOptions): ChatFunction {
  const { router, ledger, config, model, owner, backoff } = options;
  return async (messages, chatOptions = {}) => {
    const signal = chatOptions.signal ?? options.signal;
    for (let retry = 0; ; retry++) {
      await backoff.wait(signal);
      const requestId = `${options.jobId}/${newId('req')}`;
      const started = performance.now();
      const record = (
        usage: { prompt: number; completion: number },
        status: number,
        outcome: string,
        provider: string | null,
      ) =>
        ledger.record({
          requestId,
          userId: owner.userId,
          apiKeyId: owner.apiKeyId,
          feature: 'synthetic',
          model: model.id,
          provider,
          promptTokens: usage.prompt,
          completionTokens: usage.completion,
          images: 0,
          records: 0,
          latencyMs: Math.round(performance.now() - started),
          status,
          outcome,
          createdAt: new Date(),
        });
      try {
        const routed = await router.run(model, signal, (adapter, route) =>
          adapter.chat(
            {
              model: route.upstreamModel,
              messages: [...messages],
              temperature: chatOptions.temperature,
              seed: chatOptions.seed,
              max_tokens: chatOptions.maxTokens,
              stream: false,
              ...(chatOptions.jsonSchema && adapter.capabilities.jsonSchema
                ? { response_format: recordFormat(chatOptions.jsonSchema) }
                : {}),
            },
            {
              requestId,
              signal,
              timeouts: {
                connectMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
                firstByteMs: config.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
                totalMs: config.UPSTREAM_TOTAL_TIMEOUT_MS,
              },
            },
          ),
        );
        const text = routed.result.choices[0]?.message.content ?? '';
        const reported = routed.result.usage;
        const usage =
          reported && (reported.completion_tokens > 0 || text === '')
            ? { prompt: reported.prompt_tokens, completion: reported.completion_tokens }
            : { prompt: countChatPromptTokens([...messages]), completion: text ? countTokens(text) : 0 };
        record(usage, 200, 'ok', routed.route.provider);
        backoff.recovered();
        return text;
      } catch (error) {
        if (signal.aborted) {
          record({ prompt: 0, completion: 0 }, 499, 'canceled', null);
          throw error;
        }
        const failure = toGatewayError(error);
        record({ prompt: 0, completion: 0 }, failure.status, 'upstream_error', null);
        if (failure.code !== ErrorCode.upstreamRateLimited || retry >= MAX_RATE_LIMITED_RETRIES) throw failure;
        backoff.pause(retryAfterMs(failure));
      }
    }
  };
}

/** OpenAI's structured-output request for one record of `schema`. */
function recordFormat(schema: JsonSchema): ChatRequest['response_format'] {
  return { type: 'json_schema', json_schema: { name: 'record', schema: { ...schema } } };
}

function retryAfterMs(error: GatewayError): number | null {
  const seconds = Number(error.headers['retry-after']);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}
