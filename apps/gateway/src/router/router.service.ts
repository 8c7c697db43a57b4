import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, ErrorType } from '@synthwell/contracts';
import { type ProviderAdapter, ProviderError, type ProviderRegistry } from '@synthwell/providers';
import type { Logger } from '@synthwell/server';
import type { CatalogModel, CatalogRoute } from '../catalog/catalog.service.js';
import type { GatewayConfig } from '../config/env.js';
import { GATEWAY_CONFIG, LOGGER, PROVIDERS } from '../core/tokens.js';
import { GatewayError } from '../errors/gateway-error.js';
import { MetricsService } from '../observability/metrics.service.js';
import { backoffDelay, sleep } from './backoff.js';
import { CircuitBreaker } from './circuit-breaker.js';

/** The longest `retry-after` the gateway waits out itself; beyond it, it falls back or answers 429. */
const MAX_HONOURED_RETRY_AFTER_MS = 10_000;

export type RouteAttempt<T> = (adapter: ProviderAdapter, route: CatalogRoute) => Promise<T>;

export interface Routed<T> {
  result: T;
  route: CatalogRoute;
  attempts: number;
  /** Time spent waiting on upstreams (calls and backoff), excluded from the gateway's overhead. */
  upstreamMs: number;
}

/** Orders a model's routes: by `order`, and within one order by a weighted random draw. */
export function orderRoutes(routes: readonly CatalogRoute[], random: () => number = Math.random): CatalogRoute[] {
  const groups = new Map<number, CatalogRoute[]>();
  for (const route of routes) groups.set(route.order, [...(groups.get(route.order) ?? []), route]);
  const ordered: CatalogRoute[] = [];
  for (const order of [...groups.keys()].sort((a, b) => a - b)) {
    const pool = [...(groups.get(order) ?? [])];
    while (pool.length > 0) {
      const total = pool.reduce((sum, route) => sum + Math.max(route.weight, 0), 0);
      const draw = random() * total;
      let index = 0;
      for (let seen = 0; index < pool.length - 1; index++) {
        seen += Math.max(pool[index]?.weight ?? 0, 0);
        if (draw < seen) break;
      }
      ordered.push(...pool.splice(index, 1));
    }
  }
  return ordered;
}

/**
 * Runs one logical upstream call over a model's routes: retries retryable failures with backoff and
 * jitter (honouring retry-after), skips routes whose circuit is open, and falls back to the next
 * route. Callers that stream make `attempt` resolve at the first chunk, so fallback only ever happens
 * before the client has seen a byte.
 */
@Injectable()
export class RouterService {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    @Inject(PROVIDERS) private readonly providers: ProviderRegistry,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: MetricsService,
  ) {}

  breaker(routeId: string): CircuitBreaker {
    let breaker = this.breakers.get(routeId);
    if (!breaker) {
      breaker = new CircuitBreaker();
      this.breakers.set(routeId, breaker);
    }
    return breaker;
  }

  async run<T>(model: CatalogModel, signal: AbortSignal, attempt: RouteAttempt<T>): Promise<Routed<T>> {
    const routes = model.routes.length > 1 ? orderRoutes(model.routes) : model.routes;
    let lastError: unknown = null;
    let attempts = 0;
    const started = performance.now();
    for (const route of routes) {
      const breaker = this.breaker(route.id);
      if (!breaker.tryAcquire()) continue;
      let adapter: ProviderAdapter;
      try {
        adapter = this.providers.get(route.provider);
      } catch (error) {
        this.logger.error({ provider: route.provider, model: model.id }, 'route names an unregistered provider');
        breaker.failure();
        lastError = error;
        continue;
      }
      for (let retry = 0; ; retry++) {
        attempts++;
        const callStarted = performance.now();
        try {
          const result = await attempt(adapter, route);
          this.metrics.upstreamLatency.labels(route.provider, 'ok').observe((performance.now() - callStarted) / 1000);
          breaker.success();
          return { result, route, attempts, upstreamMs: performance.now() - started };
        } catch (error) {
          if (signal.aborted) throw error;
          const kind = error instanceof ProviderError ? error.kind : 'server_error';
          this.metrics.upstreamLatency.labels(route.provider, kind).observe((performance.now() - callStarted) / 1000);
          lastError = error;
          // The caller's own mistake: another route would refuse it too.
          if (kind === 'invalid_request' || kind === 'unsupported' || kind === 'aborted')
            throw this.toClientError(error);
          breaker.failure();
          const retryable = error instanceof ProviderError ? error.retryable : false;
          if (!retryable || retry >= this.config.UPSTREAM_MAX_RETRIES) break;
          const retryAfter = error instanceof ProviderError ? error.retryAfterMs : null;
          if (retryAfter !== null && retryAfter > MAX_HONOURED_RETRY_AFTER_MS) break;
          await sleep(retryAfter ?? backoffDelay(retry), signal);
          if (!breaker.tryAcquire()) break;
        }
      }
    }
    throw this.toClientError(lastError);
  }

  /** What the client sees when no route could serve: never the upstream's own payload. */
  toClientError(error: unknown): GatewayError {
    if (error instanceof GatewayError) return error;
    if (!(error instanceof ProviderError)) {
      return new GatewayError(
        502,
        ErrorType.upstream,
        ErrorCode.upstreamError,
        'No upstream could serve this model right now.',
      );
    }
    switch (error.kind) {
      case 'invalid_request':
        return GatewayError.badRequest(`The upstream rejected the request: ${error.message}`);
      case 'unsupported':
        return GatewayError.badRequest(error.message, ErrorCode.unsupportedForModel);
      case 'rate_limited': {
        const headers: Record<string, string> =
          error.retryAfterMs !== null ? { 'retry-after': String(Math.ceil(error.retryAfterMs / 1000)) } : {};
        return new GatewayError(
          429,
          ErrorType.rateLimit,
          ErrorCode.upstreamRateLimited,
          'The upstream provider is rate limiting this model; try again shortly.',
          null,
          headers,
        );
      }
      case 'timeout':
        return new GatewayError(
          504,
          ErrorType.upstream,
          ErrorCode.upstreamTimeout,
          'The upstream provider did not answer in time.',
        );
      default:
        return new GatewayError(
          502,
          ErrorType.upstream,
          ErrorCode.upstreamError,
          'The upstream provider failed to serve this request.',
        );
    }
  }
}
