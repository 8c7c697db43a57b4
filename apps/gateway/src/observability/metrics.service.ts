import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { LabelledCounter, LabelledHistogram } from './labelled-metrics.js';

/**
 * Prometheus metrics, on a registry of the app's own so several apps can share a test process. The
 * per-request ones resolve their labels once (`metric.labels(...)`) and count in plain numbers.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly requests = new LabelledCounter({
    name: 'synthwell_gateway_requests_total',
    help: 'Requests answered, by route and status.',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });

  readonly overhead = new LabelledHistogram({
    name: 'synthwell_gateway_overhead_seconds',
    help: "The gateway's own time per request, excluding time spent waiting on upstreams.",
    labelNames: ['route'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1],
    registers: [this.registry],
  });

  readonly upstreamLatency = new LabelledHistogram({
    name: 'synthwell_gateway_upstream_seconds',
    help: 'Time until an upstream answered (or the first chunk, for streams), by provider and outcome.',
    labelNames: ['provider', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly tokens = new LabelledCounter({
    name: 'synthwell_gateway_tokens_total',
    help: 'Tokens metered, by model and direction.',
    labelNames: ['model', 'direction'] as const,
    registers: [this.registry],
  });

  readonly errors = new LabelledCounter({
    name: 'synthwell_gateway_errors_total',
    help: 'Error answers, by OpenAI error type and code.',
    labelNames: ['type', 'code'] as const,
    registers: [this.registry],
  });

  readonly connections = new LabelledCounter({
    name: 'synthwell_gateway_connections_total',
    help: 'Client connections by who served them: the front door throughout, or Fastify from a handover on.',
    labelNames: ['served_by'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'synthwell_gateway_' });
  }
}
