import type { SyntheticJobCreateParams } from '@synthwell/contracts';

export type TemplateId = 'instruction' | 'classification' | 'json_schema';

export interface Template {
  id: TemplateId;
  name: string;
  description: string;
  /** Seed examples as the form shows them: JSON Lines, one seed per line. */
  seeds: string;
  labels?: string;
  item?: string;
  schema?: string;
}

const lines = (seeds: unknown[]) => seeds.map((seed) => JSON.stringify(seed)).join('\n');

export const TEMPLATES: Template[] = [
  {
    id: 'instruction',
    name: 'Instruction pairs',
    description: 'Instructions with answers, written after your examples (self-instruct).',
    seeds: lines([
      {
        data: {
          instruction: 'Explain why the sky is blue in two sentences.',
          response:
            'Sunlight scatters off air molecules, and blue light scatters most because of its short wavelength. So blue light reaches our eyes from every direction of the sky.',
        },
      },
      {
        data: {
          instruction: 'Give three tips for a first marathon.',
          response:
            'Build mileage slowly over months, practise your race-day food and drink on long runs, and start slower than you think you should.',
        },
      },
      {
        data: {
          instruction: 'What is a haiku?',
          response:
            'A short Japanese poem of three lines, traditionally of five, seven and five syllables, often about nature or a season.',
        },
      },
    ]),
  },
  {
    id: 'classification',
    name: 'Classification',
    description: 'Labelled texts, balanced across the labels.',
    labels: 'positive, negative',
    item: 'product review',
    seeds: lines([
      { data: { text: 'The kettle boils fast and looks great on the counter.', label: 'positive' } },
      { data: { text: 'Broke after a week and support never answered.', label: 'negative' } },
    ]),
  },
  {
    id: 'json_schema',
    name: 'JSON Schema records',
    description: 'Records that validate against a JSON Schema, asked of the model as structured output.',
    item: 'customer profile',
    schema: JSON.stringify(
      {
        type: 'object',
        properties: {
          name: { type: 'string' },
          age: { type: 'integer', minimum: 18, maximum: 90 },
          city: { type: 'string' },
        },
        required: ['name', 'age', 'city'],
      },
      null,
      2,
    ),
    seeds: lines([{ data: { name: 'Ada Moreno', age: 34, city: 'Lisbon' } }]),
  },
];

/**
 * Reads seeds pasted or uploaded as a JSON array or as JSON Lines. A bare record (no `data` key) is
 * wrapped as `{ data: record }`, so a plain dataset works as well as a job's own download.
 */
export function parseSeeds(text: string): unknown[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  const values: unknown[] = trimmed.startsWith('[')
    ? (JSON.parse(trimmed) as unknown[])
    : trimmed
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line, index) => {
          try {
            return JSON.parse(line) as unknown;
          } catch {
            throw new Error(`Seed line ${index + 1} is not valid JSON.`);
          }
        });
  return values.map((value) =>
    typeof value === 'object' && value !== null && 'data' in value ? value : { data: value },
  );
}

export interface JobForm {
  template: TemplateId;
  model: string;
  count: number;
  threshold: number;
  seeds: string;
  labels: string;
  item: string;
  schema: string;
  truncateToQuota: boolean;
}

/** Turns the studio form into the job's request body, or throws an error that names the field. */
export function buildJobParams(form: JobForm): SyntheticJobCreateParams {
  const seeds = parseSeeds(form.seeds) as never[];
  const common = {
    model: form.model,
    count: form.count,
    threshold: form.threshold,
    ...(form.truncateToQuota ? { truncate_to_quota: true } : {}),
  };
  const item = form.item.trim() ? { item: form.item.trim() } : {};
  switch (form.template) {
    case 'instruction':
      if (!seeds.length) throw new Error('Instruction pairs need at least one seed example.');
      return { task: 'instruction', seeds, ...common };
    case 'classification': {
      const labels = form.labels
        .split(',')
        .map((label) => label.trim())
        .filter(Boolean);
      if (labels.length < 2) throw new Error('Classification needs at least two labels, separated by commas.');
      return { task: 'classification', labels, ...item, ...(seeds.length ? { seeds } : {}), ...common };
    }
    case 'json_schema': {
      let schema: unknown;
      try {
        schema = JSON.parse(form.schema);
      } catch {
        throw new Error('The JSON Schema is not valid JSON.');
      }
      if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
        throw new Error('The JSON Schema must be an object.');
      return {
        task: 'json_schema',
        json_schema: schema as Record<string, unknown>,
        ...item,
        ...(seeds.length ? { seeds } : {}),
        ...common,
      };
    }
  }
}
