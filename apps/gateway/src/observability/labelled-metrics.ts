import type { Registry } from 'prom-client';

/** One sample as prom-client's registry formats it. */
interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

interface MetricOptions<Names extends readonly string[]> {
  name: string;
  help: string;
  labelNames: Names;
  registers: Registry[];
}

type LabelValues<Names extends readonly string[]> = { [K in keyof Names]: string };

/**
 * Counters and histograms for the hot path. prom-client hashes the label object on every `inc` and
 * `observe` (sorting and joining the names, a closure and a validation pass each time), which cost a
 * few microseconds per request across the gateway's metrics. Here a label set is resolved once to a
 * child that updates plain numbers; the registry reads them only when Prometheus scrapes `/metrics`.
 */
abstract class LabelledMetric<Names extends readonly string[], Child> {
  readonly name: string;
  readonly help: string;
  abstract readonly type: 'counter' | 'histogram';
  readonly aggregator = 'sum';
  private readonly children = new Map<string, { labels: Record<string, string>; child: Child }>();

  constructor(protected readonly options: MetricOptions<Names>) {
    this.name = options.name;
    this.help = options.help;
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  /** The child for these label values (in `labelNames` order), created on first use. */
  labels(...values: LabelValues<Names>): Child {
    const key = values.length === 1 ? (values[0] as string) : values.join('\u0000');
    let entry = this.children.get(key);
    if (!entry) {
      const labels: Record<string, string> = {};
      this.options.labelNames.forEach((name, i) => {
        labels[name] = values[i] as string;
      });
      entry = { labels, child: this.createChild() };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  protected abstract createChild(): Child;
  protected abstract samples(labels: Record<string, string>, child: Child): Sample[];

  /** What prom-client's registry reads at scrape time. */
  get(): { name: string; help: string; type: string; values: Sample[]; aggregator: string } {
    const values: Sample[] = [];
    for (const { labels, child } of this.children.values()) values.push(...this.samples(labels, child));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.children.clear();
  }
}

export class CounterChild {
  value = 0;
  inc(amount = 1): void {
    this.value += amount;
  }
}

export class LabelledCounter<Names extends readonly string[]> extends LabelledMetric<Names, CounterChild> {
  readonly type = 'counter';
  protected createChild(): CounterChild {
    return new CounterChild();
  }
  protected samples(labels: Record<string, string>, child: CounterChild): Sample[] {
    return [{ labels, value: child.value }];
  }
}

export class HistogramChild {
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    let i = 0;
    while (i < this.bounds.length && value > (this.bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count += 1;
  }
}

export class LabelledHistogram<Names extends readonly string[]> extends LabelledMetric<Names, HistogramChild> {
  readonly type = 'histogram';
  private readonly bounds: readonly number[];

  constructor(options: MetricOptions<Names> & { buckets: readonly number[] }) {
    super(options);
    this.bounds = [...options.buckets].sort((a, b) => a - b);
  }

  protected createChild(): HistogramChild {
    return new HistogramChild(this.bounds);
  }

  protected samples(labels: Record<string, string>, child: HistogramChild): Sample[] {
    const samples: Sample[] = [];
    let cumulative = 0;
    for (let i = 0; i <= this.bounds.length; i++) {
      cumulative += child.counts[i] as number;
      const le = i < this.bounds.length ? (this.bounds[i] as number) : '+Inf';
      samples.push({ metricName: `${this.name}_bucket`, labels: { le, ...labels }, value: cumulative });
    }
    samples.push({ metricName: `${this.name}_sum`, labels, value: child.sum });
    samples.push({ metricName: `${this.name}_count`, labels, value: child.count });
    return samples;
  }
}
