import { Inject, Injectable } from '@nestjs/common';
import {
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionCreateParams,
  type CompletionUsage,
  messageText,
} from '@synthwell/contracts';
import { type CallContext, countChatPromptTokens, countTokens } from '@synthwell/providers';
import { CatalogService } from '../catalog/catalog.service.js';
import type { GatewayConfig } from '../config/env.js';
import type { Caller } from '../core/caller.js';
import { clientClosed } from '../core/client-closed.js';
import type { Exchange } from '../core/exchange.js';
import { overheadMs } from '../core/overhead.js';
import { GATEWAY_CONFIG } from '../core/tokens.js';
import { GatewayError } from '../errors/gateway-error.js';
import { toGatewayError } from '../errors/openai-exception.filter.js';
import { UsageLedger } from '../metering/usage-ledger.js';
import { MetricsService } from '../observability/metrics.service.js';
import { resolveModel } from '../policy/model-access.js';
import { type Admission, type Demand, PolicyService } from '../policy/policy.service.js';
import { RouterService } from '../router/router.service.js';
import { SafetyService } from '../safety/safety.service.js';
import { SseWriter } from '../streaming/sse.js';

type StreamStart = { iterator: AsyncIterator<ChatCompletionChunk>; first: IteratorResult<ChatCompletionChunk> };

/**
 * Chat completions, plain and streamed. Usage is always metered: from the upstream's report when it
 * gives one, else counted with the tokenizer over what was actually delivered.
 */
@Injectable()
export class ChatService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly router: RouterService,
    private readonly ledger: UsageLedger,
    private readonly metrics: MetricsService,
    private readonly policy: PolicyService,
    private readonly safety: SafetyService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.timeouts = {
      connectMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
      firstByteMs: config.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
      totalMs: config.UPSTREAM_TOTAL_TIMEOUT_MS,
    };
  }

  /** Upstream deadlines, the same for every call. */
  private readonly timeouts: CallContext['timeouts'];

  private context(requestId: string, signal: AbortSignal): CallContext {
    return { requestId, signal, timeouts: this.timeouts };
  }

  async complete(caller: Caller, params: ChatCompletionCreateParams, exchange: Exchange): Promise<ChatCompletion> {
    const model = resolveModel(this.catalog, caller, params.model, 'chat');
    params = await this.safety.screenChatPrompt(caller, exchange.id, params);
    const admission = await this.policy.admit(caller, chatDemand(params), exchange);
    const signal = clientClosed(exchange.socket);
    const started = performance.now();
    let provider: string | null = null;
    try {
      const routed = await this.router.run(model, signal, (adapter, route) =>
        adapter.chat({ ...params, model: route.upstreamModel, stream: false }, this.context(exchange.id, signal)),
      );
      provider = routed.route.provider;
      exchange.upstreamMs = routed.upstreamMs;
      // The adapter built this completion for this call alone: it is named after the catalog's model in place.
      routed.result.model = model.id;
      const completion = this.safety.screenCompletion(caller, exchange.id, routed.result);
      completion.usage = this.usageOf(params, completion);
      await this.meter(caller, exchange.id, model.id, provider, completion.usage, started, 200, 'ok', admission);
      return completion;
    } catch (error) {
      const failure = signal.aborted ? null : toGatewayError(error);
      if (failure) await admission.refundUnits();
      const outcome = failure ? 'upstream_error' : 'client_closed';
      await this.meter(
        caller,
        exchange.id,
        model.id,
        provider,
        zeroUsage(),
        started,
        failure?.status ?? 499,
        outcome,
        admission,
      );
      throw failure ?? error;
    }
  }

  async stream(caller: Caller, params: ChatCompletionCreateParams, exchange: Exchange): Promise<void> {
    const model = resolveModel(this.catalog, caller, params.model, 'chat');
    params = await this.safety.screenChatPrompt(caller, exchange.id, params);
    const admission = await this.policy.admit(caller, chatDemand(params), exchange);
    const includeUsage = params.stream_options?.include_usage === true;
    const signal = clientClosed(exchange.socket);
    const started = performance.now();
    const response = exchange.stream();
    const sse = new SseWriter(response, this.config.SSE_KEEPALIVE_MS);
    const headers = () => ({ ...exchange.headers(), 'x-synthwell-overhead-ms': overheadMs(exchange).toFixed(3) });

    // On a long wait for the first chunk, open the stream early so keep-alive comments can flow.
    // Fallback stays possible until the first content chunk is written.
    const early = setTimeout(() => sse.open(headers()), this.config.SSE_KEEPALIVE_MS);
    let routed: Awaited<ReturnType<RouterService['run']>> & { result: StreamStart };
    try {
      routed = await this.router.run(model, signal, async (adapter, route) => {
        const iterator = adapter
          .chatStream(
            { ...params, model: route.upstreamModel, stream: true, stream_options: { include_usage: true } },
            this.context(exchange.id, signal),
          )
          [Symbol.asyncIterator]();
        return { iterator, first: await iterator.next() } satisfies StreamStart;
      });
    } catch (error) {
      clearTimeout(early);
      if (signal.aborted) {
        await this.meter(caller, exchange.id, model.id, null, zeroUsage(), started, 499, 'client_closed', admission);
        sse.end();
        return;
      }
      const failure = toGatewayError(error);
      await admission.refundUnits();
      await this.meter(
        caller,
        exchange.id,
        model.id,
        null,
        zeroUsage(),
        started,
        failure.status,
        'upstream_error',
        admission,
      );
      this.metrics.errors.labels(failure.type, failure.code ?? 'none').inc();
      if (sse.opened) {
        sse.error(failure.toBody());
        sse.end();
      } else {
        response.writeHead(failure.status, {
          ...exchange.headers(),
          ...failure.headers,
          'content-type': 'application/json',
        });
        response.end(JSON.stringify(failure.toBody()));
      }
      return;
    }
    clearTimeout(early);
    exchange.upstreamMs = routed.upstreamMs;
    if (!sse.opened) sse.open(headers());

    const delivered: string[] = [];
    let reported: CompletionUsage | null = null;
    const iterator = this.safety.guardStream(caller, exchange.id, routed.result, model.id);
    const provider = routed.route.provider;
    const settle = async (outcome: string, status: number) => {
      // A completed stream is billed as the upstream reported; a cut one by what the client received.
      const usage = outcome === 'ok' && reported ? reported : this.countedUsage(params, delivered.join(''));
      await this.meter(caller, exchange.id, model.id, provider, usage, started, status, outcome, admission);
      return usage;
    };
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        const chunk = next.value;
        if (chunk.usage) reported = chunk.usage;
        if (chunk.choices.length > 0 || includeUsage) {
          for (const choice of chunk.choices) if (choice.delta.content) delivered.push(choice.delta.content);
          if (!sse.send({ ...chunk, model: model.id, usage: includeUsage ? (chunk.usage ?? null) : undefined })) break;
        }
      }
      if (signal.aborted || sse.closed) {
        await settle('client_closed', 499);
      } else {
        // Metered before [DONE]: the record is durable before the client sees the end of the answer.
        const usage = await settle('ok', 200);
        if (includeUsage && !reported) {
          sse.send({
            id: `chatcmpl-${exchange.id}`,
            object: 'chat.completion.chunk',
            created: Math.floor(Date.now() / 1000),
            model: model.id,
            choices: [],
            usage,
          });
        }
        sse.done();
      }
    } catch (error) {
      if (signal.aborted) {
        await settle('client_closed', 499);
      } else {
        const failure = error instanceof GatewayError ? error : this.router.toClientError(error);
        this.metrics.errors.labels(failure.type, failure.code ?? 'none').inc();
        await settle('upstream_error', failure.status);
        sse.error(failure.toBody());
      }
      await iterator.return?.().catch(() => undefined);
    } finally {
      sse.end();
    }
  }

  private usageOf(params: ChatCompletionCreateParams, completion: ChatCompletion): CompletionUsage {
    const reported = completion.usage;
    const output = completion.choices.map((choice) => messageText(choice.message.content)).join('');
    if (reported && (reported.completion_tokens > 0 || output.length === 0)) return reported;
    return this.countedUsage(params, output);
  }

  private countedUsage(params: ChatCompletionCreateParams, output: string): CompletionUsage {
    const prompt = countChatPromptTokens(params.messages);
    const completion = output ? countTokens(output) : 0;
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  }

  private meter(
    caller: Caller,
    requestId: string,
    model: string,
    provider: string | null,
    usage: CompletionUsage,
    started: number,
    status: number,
    outcome: string,
    admission: Admission,
  ): Promise<void> {
    void admission.settleTokens(usage.total_tokens);
    this.metrics.tokens.labels(model, 'prompt').inc(usage.prompt_tokens);
    this.metrics.tokens.labels(model, 'completion').inc(usage.completion_tokens);
    return this.ledger.recordBatched({
      requestId,
      userId: caller.userId,
      apiKeyId: caller.apiKeyId,
      feature: 'chat',
      model,
      provider,
      promptTokens: usage.prompt_tokens,
      completionTokens: usage.completion_tokens,
      images: 0,
      records: 0,
      latencyMs: Math.round(performance.now() - started),
      status,
      outcome,
      createdAt: new Date(),
    });
  }
}

/** Completion tokens reserved when a request sets no max_tokens; reconciled with the real count after. */
const DEFAULT_COMPLETION_RESERVATION = 512;

/**
 * What a chat request asks of the plan. Tokens are estimated at four characters per token so the
 * hot path never runs the tokenizer over a large prompt; the real count settles the difference.
 */
export function chatDemand(params: ChatCompletionCreateParams): Demand {
  let characters = 0;
  for (const message of params.messages) characters += messageText(message.content ?? null).length;
  const completion =
    (params.max_completion_tokens ?? params.max_tokens ?? DEFAULT_COMPLETION_RESERVATION) * (params.n ?? 1);
  return { feature: 'chat', tokens: Math.ceil(characters / 4) + completion, units: 1 };
}

function zeroUsage(): CompletionUsage {
  return { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
}
