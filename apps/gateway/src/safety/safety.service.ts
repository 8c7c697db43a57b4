import { readFileSync } from 'node:fs';
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
  type SafetyPolicy,
  type SafetyPolicyUpdate,
} from '@synthwell/contracts';
import type { Logger } from '@synthwell/server';
import { Counter } from 'prom-client';
import type { GatewayConfig } from '../config/env.js';
import type { Caller } from '../core/caller.js';
import { GATEWAY_CONFIG, LOGGER } from '../core/tokens.js';
import { GatewayError } from '../errors/gateway-error.js';
import { MetricsService } from '../observability/metrics.service.js';
import { describeCategory, SafetyEngine } from './engine.js';
import { guardChatStream, type StartedStream } from './guarded-stream.js';
import { FixedCategoryError, PolicyStore, parsePolicyFile } from './policy.js';
import { StreamGuard } from './stream-guard.js';
import { DETECTION_THRESHOLD, type Decision, type Surface } from './types.js';

/** A flagged or blocked decision as admins review it: no raw text, ever. */
export interface FlaggedItem {
  at: string;
  requestId: string;
  userId: string;
  plan: string;
  surface: Surface;
  category: SafetyCategory;
  action: Decision['action'];
  score: number;
}

const RECENT_FLAGS = 500;

/**
 * Applies the content policy of the caller's plan where the gateway takes text in and hands text
 * out: prompts before routing, outputs before returning (or as they stream), synthetic seeds.
 * Every decision is logged (category and action, never the text) and counted.
 */
@Injectable()
export class SafetyService {
  readonly engine = new SafetyEngine();
  readonly policies: PolicyStore;
  private readonly recent: FlaggedItem[] = [];
  private readonly decisions: Counter<'surface' | 'category' | 'action'>;

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    metrics: MetricsService,
  ) {
    const file = config.SAFETY_POLICY_FILE;
    this.policies = new PolicyStore(file ? parsePolicyFile(readFileSync(file, 'utf8')) : {});
    this.decisions = new Counter({
      name: 'synthwell_gateway_safety_decisions_total',
      help: 'Content policy checks, by surface, category and action (category "none" for clean texts).',
      labelNames: ['surface', 'category', 'action'] as const,
      registers: [metrics.registry],
    });
  }

  /** Checks one text; throws content_policy_violation when it blocks, else returns it redacted as the plan says. */
  check(caller: Caller, requestId: string, surface: Surface, text: string, param: string | null = null): string {
    const verdict = this.engine.evaluate(text, surface, this.policies.for(caller.plan.slug));
    this.record(caller, requestId, surface, verdict.decisions);
    if (verdict.blocked) throw violation(verdict.blocked, param);
    return verdict.text;
  }

  /** A chat request's messages, checked before routing; text redacted where the policy says so. */
  screenChatPrompt(caller: Caller, requestId: string, params: ChatCompletionCreateParams): ChatCompletionCreateParams {
    const messages = params.messages.map((message, i): ChatMessage => {
      const content = message.content;
      const param = `messages.${i}.content`;
      if (typeof content === 'string')
        return { ...message, content: this.check(caller, requestId, 'prompt', content, param) };
      if (!content) return message;
      const parts = content.map((part) =>
        part.type === 'text' ? { ...part, text: this.check(caller, requestId, 'prompt', part.text, param) } : part,
      );
      return { ...message, content: parts } as ChatMessage;
    });
    return { ...params, messages };
  }

  /** A whole (non-streamed) completion, checked and redacted before it is returned. */
  screenCompletion(caller: Caller, requestId: string, completion: ChatCompletion): ChatCompletion {
    const choices = completion.choices.map((choice) => {
      const content = choice.message.content;
      if (!content) return choice;
      return { ...choice, message: { ...choice.message, content: this.check(caller, requestId, 'output', content) } };
    });
    return { ...completion, choices };
  }

  /** A streamed completion, checked as it arrives; a violation ends it with a content_policy_violation error. */
  guardStream(caller: Caller, requestId: string, stream: StartedStream): AsyncIterator<ChatCompletionChunk> {
    const policy = this.policies.for(caller.plan.slug);
    return guardChatStream(
      stream,
      () => new StreamGuard((text) => this.engine.evaluate(text, 'output', policy)),
      (step) => {
        this.record(caller, requestId, 'output', step.decisions, false);
        if (step.blocked) throw violation(step.blocked, null);
      },
    );
  }

  /**
   * Synthetic-data seed examples, checked before a job is accepted: blocks throw (400), personal data
   * comes back redacted. `param` names the seeds field in errors.
   */
  checkSeeds(caller: Caller, requestId: string, seeds: readonly string[], param = 'seeds'): string[] {
    return seeds.map((seed, i) => this.check(caller, requestId, 'seed', seed, `${param}.${i}`));
  }

  /** OpenAI-shaped moderation results: every category scored on every input, whatever the surface. */
  moderate(inputs: readonly string[]): ModerationResult[] {
    return inputs.map((input) => {
      const scores = Object.fromEntries(SafetyCategories.options.map((category) => [category, 0])) as Record<
        SafetyCategory,
        number
      >;
      for (const finding of this.engine.detect(input)) scores[finding.category] = finding.score;
      const categories = Object.fromEntries(
        SafetyCategories.options.map((category) => [category, scores[category] >= DETECTION_THRESHOLD]),
      ) as Record<SafetyCategory, boolean>;
      return { flagged: Object.values(categories).some(Boolean), categories, category_scores: scores };
    });
  }

  /** Changes a plan's policy at run time; refuses to relax a fixed category. */
  updatePolicy(plan: string, change: SafetyPolicyUpdate): SafetyPolicy {
    try {
      const policy = this.policies.update(plan, change);
      this.logger.info({ plan, change }, 'content policy changed');
      return policy;
    } catch (error) {
      if (error instanceof FixedCategoryError)
        throw GatewayError.badRequest(error.message, ErrorCode.invalidBody, error.category);
      throw error;
    }
  }

  /** The most recent flagged, redacted and blocked decisions, newest first. */
  recentFlags(): FlaggedItem[] {
    return [...this.recent].reverse();
  }

  private record(
    caller: Caller,
    requestId: string,
    surface: Surface,
    decisions: readonly Decision[],
    countClean = true,
  ): void {
    if (decisions.length === 0) {
      if (countClean) this.decisions.inc({ surface, category: 'none', action: 'allow' });
      return;
    }
    for (const { category, action, score } of decisions) {
      this.decisions.inc({ surface, category, action });
      this.logger.info(
        { requestId, surface, category, action, score, plan: caller.plan.slug },
        'content policy decision',
      );
      this.recent.push({
        at: new Date().toISOString(),
        requestId,
        userId: caller.userId,
        plan: caller.plan.slug,
        surface,
        category,
        action,
        score,
      });
      if (this.recent.length > RECENT_FLAGS) this.recent.shift();
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
