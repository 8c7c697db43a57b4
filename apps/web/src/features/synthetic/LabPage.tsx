import type { SyntheticLabParams } from '@synthwell/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { describeProblem } from '../../lib/problems';
import { Button } from '../../ui/Button';
import { LineChart } from '../../ui/charts';
import { SelectField, TextField } from '../../ui/Field';
import { ProblemNotice } from '../../ui/Notice';
import { runLab } from './api';
import { labCharts } from './lab-charts';

type Experiment = SyntheticLabParams['experiment'];

const EXPERIMENTS: { id: Experiment; name: string; about: string; generations: number; max: number }[] = [
  {
    id: 'ngram',
    name: 'N-gram language model',
    about: 'The built-in n-gram model retrained on its own samples: replace, accumulate, or mix in real data.',
    generations: 4,
    max: 6,
  },
  {
    id: 'gaussian',
    name: 'Gaussian',
    about: 'A Gaussian refitted on its own samples each generation (Shumailov et al., 2024).',
    generations: 30,
    max: 100,
  },
  {
    id: 'regression',
    name: 'Linear regression',
    about: 'Regression retrained on its own labels, replacing versus accumulating (Gerstgrasser et al., 2024).',
    generations: 10,
    max: 30,
  },
];

export default function LabPage() {
  const [experiment, setExperiment] = useState<Experiment>('ngram');
  const run = useMutation({ mutationFn: runLab });
  const chosen =
    EXPERIMENTS.find((entry) => entry.id === experiment) ?? (EXPERIMENTS[0] as (typeof EXPERIMENTS)[number]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const generations = Number(form.get('generations'));
    const seed = Number(form.get('seed'));
    const params: SyntheticLabParams =
      experiment === 'ngram'
        ? { experiment, generations, seed, strategies: ['replace', 'accumulate', 'mix'], sentences: 300 }
        : { experiment, generations, seed };
    run.mutate(params);
  };

  return (
    <section>
      <h1>Collapse lab</h1>
      <p className="muted">
        Models trained again and again on their own output collapse: they lose diversity and the tails of the real
        distribution. Mixing real data in and accumulating data instead of replacing it keeps that in check. Run the
        experiments and see.
      </p>
      <form className="panel form-grid" onSubmit={submit}>
        <SelectField
          label="Experiment"
          value={experiment}
          onChange={(event) => setExperiment(event.target.value as Experiment)}
          hint={chosen.about}
        >
          {EXPERIMENTS.map((entry) => (
            <option key={entry.id} value={entry.id}>
              {entry.name}
            </option>
          ))}
        </SelectField>
        <TextField
          key={experiment}
          label="Generations"
          name="generations"
          type="number"
          min={1}
          max={chosen.max}
          defaultValue={chosen.generations}
          required
        />
        <TextField label="Random seed" name="seed" type="number" min={0} defaultValue={42} required />
        <div>
          <Button type="submit" variant="primary" busy={run.isPending}>
            {run.isPending ? 'Running…' : 'Run experiment'}
          </Button>
        </div>
      </form>
      {run.error && <ProblemNotice problem={describeProblem(run.error)} />}
      {run.data &&
        labCharts(run.data).map((chart) => (
          <div key={chart.title} data-testid="lab-chart">
            <LineChart title={chart.title} labels={chart.labels} series={chart.series} />
            <p className="muted chart-note">{chart.note}</p>
          </div>
        ))}
    </section>
  );
}
