import { Inject, Injectable } from '@nestjs/common';
import {
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionCreateParams,
  type ChatMessage,
  ErrorCode,
  type ModerationResult,
  SafetyCategory as SafetyCategories,
  type SafetyCategory,
} from '@synthwell/contracts';
import type { Logger } from '@synthwell/server';
import type { Caller } from '../core/caller.js';
import { LOGGER } from '../core/tokens.js';
import { GatewayError } from '../errors/gateway-error.js';
import { LabelledCounter } from '../observability/labelled-metrics.js';
import { MetricsService } from '../observability/metrics.service.js';
import { describeCategory, SafetyEngine } from './engine.js';
import { FlagStore } from './flag-store.js';
import { guardChatStream, type StartedStream } from './guarded-stream.js';
import type { PolicyStore } from './policy.js';
import { PolicySync } from './policy-sync.js';
import { StreamGuard } from './stream-guard.js';
import { DETECTION_THRESHOLD, type Decision, type Surface, type Verdict } from './types.js';
import { upstreamFindings } from './upstream-moderation.js';
import { UpstreamModeration } from './upstream-moderation.service.js';

/** One input to check and the request field it came from, named in errors. */
export interface Input {
  text: string;
  param: string | null;
}

/**
 * Applies the content policy of the caller's plan where the gateway takes text in and hands text
 * out: prompts before routing, outputs before returning (or as they stream), synthetic seeds.
 * Every decision is logged (category and action, never the text) and counted.
 */
@Injectable()
export class SafetyService {
  readonly engine = new SafetyEngine();
  /** Per-plan policies, kept in step with the database by PolicySync; read without waiting. */
  readonly policies: PolicyStore;
  private readonly decisions: LabelledCounter<readonly ['surface', 'category', 'action']>;

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: MetricsService,
    sync: PolicySync,
    private readonly flags: FlagStore,
    private readonly upstream: UpstreamModeration,
  ) {
    this.policies = sync.store;
    this.decisions = new LabelledCounter({
      name: 'synthwell_gateway_safety_decisions_total',
      help: 'Content policy checks, by surface, category and action (category "none" for clean texts).',
      labelNames: ['surface', 'category', 'action'] as const,
      registers: [metrics.registry],
    });
  }

  /** Checks one text; throws content_policy_violation when it blocks, else returns it redacted as the plan says. */
  check(
    caller: Caller,
    requestId: string,
    surface: Surface,
    text: string,
    param: string | null = null,
    model: string | null = null,
  ): string {
    const verdict = this.engine.evaluate(text, surface, this.policies.for(caller.plan.slug));
    this.record(caller, requestId, surface, verdict.decisions, model);
    if (verdict.blocked) throw violation(verdict.blocked, param);
    return verdict.text;
  }

  /**
   * Inputs (prompts, image prompts, seeds) checked together, in order; every input's decisions are
   * recorded (those after a blocked input too), then it throws on the first that blocks, else returns
   * them redacted as the plan says. The built-in classifiers go first; when nothing blocks and an
   * upstream moderation API is configured, it is asked about all of them in one round trip and what it
   * flags joins their findings (so a text already refused is never sent out).
   */
  async checkInputs(
    caller: Caller,
    requestId: string,
    surface: Surface,
    inputs: readonly Input[],
    model: string | null = null,
  ): Promise<string[]> {
    const policy = this.policies.for(caller.plan.slug);
    let verdicts: Verdict[] = inputs.map(({ text }) => this.engine.evaluate(text, surface, policy));
    // Without an upstream moderation API (the default) nothing here waits: no promise on the hot path.
    if (this.upstream.enabled && !verdicts.some((verdict) => verdict.blocked)) {
      const judged = await this.upstream.judge(
        inputs.map(({ text }) => text),
        requestId,
      );
      if (judged) {
        verdicts = inputs.map(({ text }, i) => {
          const extra = upstreamFindings(judged[i] ?? {});
          return extra.length > 0 ? this.engine.evaluate(text, surface, policy, extra) : (verdicts[i] as Verdict);
        });
      }
    }
    for (const verdict of verdicts) this.record(caller, requestId, surface, verdict.decisions, model);
    for (const [i, verdict] of verdicts.entries()) {
      if (verdict.blocked) throw violation(verdict.blocked, (inputs[i] as Input).param);
    }
    return verdicts.map((verdict) => verdict.text);
  }

  /** One input: `checkInputs` for a single text. */
  async checkInput(
    caller: Caller,
    requestId: string,
    surface: Surface,
    text: string,
    param: string | null,
    model: string | null = null,
  ): Promise<string> {
    const [checked] = await this.checkInputs(caller, requestId, surface, [{ text, param }], model);
    return checked as string;
  }

  /** A chat request's messages, checked before routing; text redacted where the policy says so. */
  async screenChatPrompt(
    caller: Caller,
    requestId: string,
    params: ChatCompletionCreateParams,
  ): Promise<ChatCompletionCreateParams> {
    const inputs: Input[] = [];
    params.messages.forEach((message, i) => {
      const param = `messages.${i}.content`;
      if (typeof message.content === 'string') inputs.push({ text: message.content, param });
      else for (const part of message.content ?? []) if (part.type === 'text') inputs.push({ text: part.text, param });
    });
    const texts = await this.checkInputs(caller, requestId, 'prompt', inputs, params.model);
    // Nothing redacted (the usual case): the request goes on as it came, without copying its messages.
    if (texts.every((text, i) => text === inputs[i]?.text)) return params;
    const checked = texts.values();
    const next = () => checked.next().value as string;
    const messages = params.messages.map((message): ChatMessage => {
      const content = message.content;
      if (typeof content === 'string') return { ...message, content: next() };
      if (!content) return message;
      const parts = content.map((part) => (part.type === 'text' ? { ...part, text: next() } : part));
      return { ...message, content: parts } as ChatMessage;
    });
    return { ...params, messages };
  }

  /** A whole (non-streamed) completion, checked and redacted before it is returned. */
  screenCompletion(caller: Caller, requestId: string, completion: ChatCompletion): ChatCompletion {
    let redacted = false;
    const choices = completion.choices.map((choice) => {
      const content = choice.message.content;
      if (!content) return choice;
      const checked = this.check(caller, requestId, 'output', content, null, completion.model);
      if (checked === content) return choice;
      redacted = true;
      return { ...choice, message: { ...choice.message, content: checked } };
    });
    // Nothing redacted (the usual case): the completion goes on as it came.
    return redacted ? { ...completion, choices } : completion;
  }

  /** A streamed completion, checked as it arrives; a violation ends it with a content_policy_violation error. */
  guardStream(
    caller: Caller,
    requestId: string,
    stream: StartedStream,
    model: string | null = null,
  ): AsyncIterator<ChatCompletionChunk> {
    const policy = this.policies.for(caller.plan.slug);
    return guardChatStream(
      stream,
      () => new StreamGuard((text) => this.engine.evaluate(text, 'output', policy)),
      (step) => {
        this.record(caller, requestId, 'output', step.decisions, model, false);
        if (step.blocked) throw violation(step.blocked, null);
      },
    );
  }

  /**
   * Synthetic-data seed examples, checked before a job is accepted: blocks throw (400), personal data
   * comes back redacted. `param` names the seeds field in errors.
   */
  checkSeeds(caller: Caller, requestId: string, seeds: readonly string[], param = 'seeds'): Promise<string[]> {
    return this.checkInputs(
      caller,
      requestId,
      'seed',
      seeds.map((seed, i) => ({ text: seed, param: `${param}.${i}` })),
    );
  }

  /**
   * OpenAI-shaped moderation results: every category scored on every input, whatever the surface. With
   * an upstream moderation API, a category is flagged when either flags it, at the higher score.
   */
  async moderate(inputs: readonly string[], requestId: string): Promise<ModerationResult[]> {
    const judged = await this.upstream.judge(inputs, requestId);
    return inputs.map((input, i) => {
      const scores = Object.fromEntries(SafetyCategories.options.map((category) => [category, 0])) as Record<
        SafetyCategory,
        number
      >;
      for (const finding of this.engine.detect(input)) scores[finding.category] = finding.score;
      const categories = Object.fromEntries(
        SafetyCategories.options.map((category) => [category, scores[category] >= DETECTION_THRESHOLD]),
      ) as Record<SafetyCategory, boolean>;
      for (const [category, upstream] of Object.entries(judged?.[i] ?? {}) as Array<
        [SafetyCategory, { flagged: boolean; score: number }]
      >) {
        scores[category] = Math.max(scores[category], upstream.score);
        categories[category] ||= upstream.flagged || scores[category] >= DETECTION_THRESHOLD;
      }
      return { flagged: Object.values(categories).some(Boolean), categories, category_scores: scores };
    });
  }

  private record(
    caller: Caller,
    requestId: string,
    surface: Surface,
    decisions: readonly Decision[],
    model: string | null,
    countClean = true,
  ): void {
    if (decisions.length === 0) {
      if (countClean) this.decisions.labels(surface, 'none', 'allow').inc();
      return;
    }
    for (const { category, action, score } of decisions) {
      this.decisions.labels(surface, category, action).inc();
      this.logger.info(
        { requestId, surface, category, action, score, plan: caller.plan.slug },
        'content policy decision',
      );
      this.flags.add({
        requestId,
        userId: caller.userId,
        plan: caller.plan.slug,
        surface,
        category,
        action,
        score,
        model,
      });
    }
  }
}

/** The 400 a blocked text gets, naming the category. */
export function violation(category: SafetyCategory, param: string | null): GatewayError {
  return GatewayError.badRequest(
    `This request was blocked by the content policy: it appears to involve ${describeCategory(category)} (category '${category}').`,
    ErrorCode.contentPolicyViolation,
    param,
  );
}
