import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, ErrorType } from '@synthwell/contracts';
import type { Logger } from '@synthwell/server';
import { Counter } from 'prom-client';
import type { GatewayConfig } from '../config/env.js';
import { GATEWAY_CONFIG, LOGGER } from '../core/tokens.js';
import { GatewayError } from '../errors/gateway-error.js';
import { MetricsService } from '../observability/metrics.service.js';
import {
  requestModeration,
  type UpstreamJudgement,
  type UpstreamModerationConfig,
  UpstreamModerationError,
} from './upstream-moderation.js';

/**
 * The upstream moderation API (MODERATION_UPSTREAM_URL), asked about inputs only: prompts, image
 * prompts, seeds and /v1/moderations, never streamed output. Time-bounded; when it fails the built-in
 * classifiers decide alone, or, failing closed, the request is refused. Every call is counted; what
 * went wrong is logged, never the text.
 */
@Injectable()
export class UpstreamModeration {
  private readonly config: UpstreamModerationConfig | null;
  private readonly failClosed: boolean;
  private readonly calls: Counter<'outcome'>;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: MetricsService,
  ) {
    this.config = config.MODERATION_UPSTREAM_URL
      ? {
          url: config.MODERATION_UPSTREAM_URL,
          apiKey: config.MODERATION_UPSTREAM_API_KEY,
          model: config.MODERATION_UPSTREAM_MODEL,
          timeoutMs: config.MODERATION_UPSTREAM_TIMEOUT_MS,
        }
      : null;
    this.failClosed = config.MODERATION_UPSTREAM_FAIL_CLOSED;
    this.calls = new Counter({
      name: 'synthwell_gateway_moderation_upstream_total',
      help: 'Checks sent to the upstream moderation API, by outcome (ok, timeout, error, malformed).',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
  }

  get enabled(): boolean {
    return this.config !== null;
  }

  /**
   * The upstream's judgement of each input, or null when there is no upstream or it failed and the
   * built-in classifiers are to decide alone. Throws 503 when it failed and the gateway fails closed.
   */
  async judge(inputs: readonly string[], requestId: string): Promise<UpstreamJudgement[] | null> {
    if (!this.config || inputs.length === 0) return null;
    try {
      const judged = await requestModeration(this.config, inputs);
      this.calls.inc({ outcome: 'ok' });
      return judged;
    } catch (error) {
      if (!(error instanceof UpstreamModerationError)) throw error;
      this.calls.inc({ outcome: error.failure });
      this.logger.warn(
        { requestId, failure: error.failure, status: error.status, inputs: inputs.length, failClosed: this.failClosed },
        `upstream moderation failed: ${error.message}`,
      );
      if (!this.failClosed) return null;
      throw new GatewayError(
        503,
        ErrorType.upstream,
        ErrorCode.serviceUnavailable,
        'Content moderation is unavailable right now, so this request was not processed. Try again shortly.',
        null,
        { 'retry-after': '1' },
      );
    }
  }
}
