import { parseArgs } from 'node:util';
import {
  SyntheticLabParams as LabParamsSchema,
  type SyntheticLabParams,
  type SyntheticLabResult,
} from '@synthwell/contracts';
import { runLabExperiment } from '@synthwell/synthetic';
import { type Command, type Io, UsageError } from '../cli.js';
import { localLabEnvironment } from '../lab/environment.js';
import { fixed, formatTable } from '../table.js';

const EXPERIMENTS = ['gaussian', 'regression', 'ngram'] as const;

const USAGE = `Usage: synthwell lab [--experiment gaussian|regression|ngram] [--json] [options]

Retrains a model on its own output, generation after generation, and prints how it degrades.
Without --experiment all three run. The same parameters and bounds as POST /v1/synthetic/lab.

  --experiment NAME          gaussian, regression or ngram
  --json                     print the results as JSON (the API's shape) instead of tables
  --seed N                   seed of every random choice (default 1)
  --generations N            retrainings after the first fit
  gaussian:   --samples-per-generation N  --runs N
  regression: --samples N  --dimensions N  --noise-std X  --runs N
  ngram:      --sentences N  --order 2|3  --real-share X  --strategies replace,accumulate,mix
`;

type Experiment = (typeof EXPERIMENTS)[number];

/** Each option's request field and the experiments it applies to. */
const OPTIONS: Record<string, { field: string; experiments: readonly Experiment[]; list?: true }> = {
  seed: { field: 'seed', experiments: EXPERIMENTS },
  generations: { field: 'generations', experiments: EXPERIMENTS },
  'samples-per-generation': { field: 'samples_per_generation', experiments: ['gaussian'] },
  runs: { field: 'runs', experiments: ['gaussian', 'regression'] },
  samples: { field: 'samples', experiments: ['regression'] },
  dimensions: { field: 'dimensions', experiments: ['regression'] },
  'noise-std': { field: 'noise_std', experiments: ['regression'] },
  sentences: { field: 'sentences', experiments: ['ngram'] },
  order: { field: 'order', experiments: ['ngram'] },
  'real-share': { field: 'real_share', experiments: ['ngram'] },
  strategies: { field: 'strategies', experiments: ['ngram'], list: true },
};

export const labCommand: Command = {
  summary: 'Run the model-collapse lab locally and print its curves',
  usage: USAGE,
  async run(args: readonly string[], io: Io): Promise<number> {
    const { values } = parse(args);
    const experiment = values.experiment;
    if (experiment !== undefined && !(EXPERIMENTS as readonly string[]).includes(experiment)) {
      throw new UsageError(`--experiment must be one of ${EXPERIMENTS.join(', ')}`);
    }
    const chosen = experiment ? [experiment as Experiment] : [...EXPERIMENTS];
    const requests = chosen.map((name) => requestFor(name, values, chosen));
    const results: SyntheticLabResult[] = [];
    for (const request of requests) results.push(await runLabExperiment(request, localLabEnvironment));
    if (values.json) io.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
    else io.stdout.write(`${results.map(render).join('\n\n')}\n`);
    return 0;
  },
};

type Values = ReturnType<typeof parse>['values'];

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: {
        experiment: { type: 'string' },
        json: { type: 'boolean' },
        ...Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: 'string' as const }])),
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The request for one experiment, validated by the API's own contract, so bounds and messages match it. */
function requestFor(experiment: Experiment, values: Values, chosen: readonly Experiment[]): SyntheticLabParams {
  const request: Record<string, unknown> = { experiment };
  const given = values as Record<string, string | boolean | undefined>;
  for (const [name, option] of Object.entries(OPTIONS)) {
    const value = given[name];
    if (typeof value !== 'string') continue;
    if (!chosen.every((each) => option.experiments.includes(each))) {
      throw new UsageError(
        chosen.length === 1
          ? `--${name} does not apply to the ${experiment} experiment`
          : `--${name} does not apply to every experiment: choose one with --experiment`,
      );
    }
    request[option.field] = option.list ? value.split(',') : number(name, value);
  }
  const parsed = LabParamsSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.');
    const name = Object.entries(OPTIONS).find(([, option]) => option.field === field)?.[0] ?? field;
    throw new UsageError(`--${name}: ${issue?.message ?? 'invalid value'}`);
  }
  return parsed.data;
}

function number(name: string, value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new UsageError(`--${name} must be a number`);
  return parsed;
}

function render(result: SyntheticLabResult): string {
  switch (result.experiment) {
    case 'gaussian': {
      const { samples_per_generation: m, generations, runs } = result.parameters;
      return [
        `Gaussian refitted on its own samples (M = ${m}, ${generations} generations, ${runs} runs, seed ${result.seed})`,
        'The fitted variance shrinks by (M − 1)/M a generation on average; the typical run collapses faster.',
        formatTable(
          ['generation', 'median σ', 'mean σ²', 'theory σ²'],
          result.points.map((p) => [
            String(p.generation),
            fixed(p.median_std),
            fixed(p.mean_variance),
            fixed(p.theory_variance),
          ]),
        ),
      ].join('\n');
    }
    case 'regression': {
      const { samples, dimensions, noise_std: sigma, runs } = result.parameters;
      return [
        `Linear regression retrained on its own labels (n = ${samples}, d = ${dimensions}, σ = ${sigma}, ${runs} runs, seed ${result.seed})`,
        'Test error ‖ŵ − w*‖²: replacing the data grows it linearly; accumulating keeps it bounded.',
        formatTable(
          ['generation', 'replace', 'accumulate', 'theory replace', 'theory accumulate'],
          result.points.map((p) => [
            String(p.generation),
            fixed(p.replace),
            fixed(p.accumulate),
            fixed(p.theory_replace),
            fixed(p.theory_accumulate),
          ]),
        ),
      ].join('\n');
    }
    case 'ngram': {
      const { sentences, order, real_share: share } = result.parameters;
      const strategies = Object.keys(result.series) as Array<keyof typeof result.series>;
      const generations = result.series[strategies[0] as keyof typeof result.series] ?? [];
      return [
        `${order}-gram model retrained on its own samples (${sentences} Brown sentences, mix keeps ${share * 100}% real, seed ${result.seed})`,
        'Tail coverage: share of the real data’s rare words still sampled. Cross-entropy: bits per token on held-out human text.',
        formatTable(
          ['generation', ...strategies.map((s) => `tail ${s}`), ...strategies.map((s) => `xent ${s}`)],
          generations.map((_, g) => [
            String(g),
            ...strategies.map((s) => fixed(result.series[s]?.[g]?.tail_coverage ?? Number.NaN)),
            ...strategies.map((s) => fixed(result.series[s]?.[g]?.cross_entropy ?? Number.NaN, 2)),
          ]),
        ),
      ].join('\n');
    }
  }
}
