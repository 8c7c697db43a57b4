import { loadBrownSentences } from '@synthwell/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness.js';
import { post } from './synthetic-fixtures.js';

describe('/v1/synthetic/evaluate and /v1/synthetic/lab', () => {
  let t: TestGateway;
  let key: string;
  beforeAll(async () => {
    t = await startTestGateway();
    key = (await t.account('free')).key;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** 600 human sentences spread over every genre of the training split, which the held-out reference never saw. */
  const human = loadBrownSentences({ split: 'train', files: 60 })
    .filter((_, i) => i % 10 === 0)
    .slice(0, 600)
    .map((sentence) => sentence.join(' '));

  describe('evaluate', () => {
    it('finds independent human text ok against the human reference, and a repetitive set at high collapse risk', async () => {
      const varied = await (await post(t, key, '/v1/synthetic/evaluate', { records: human })).json();
      expect(varied).toMatchObject({ object: 'synthetic.evaluation', reference: 'brown_heldout', records: 600 });
      expect(varied.metrics.budget_tokens).toBeGreaterThan(5_000);
      expect(varied.metrics.distinct_2.ratio).toBeGreaterThan(0.9);
      // The reference's human baseline compares separate files, as this sample is separate from them.
      expect(varied.verdict).toEqual({ level: 'ok', reasons: [] });
      expect(varied.metrics.tail_coverage.ratio).toBeGreaterThan(0.9);
      expect(varied.metrics.js_unigram.ratio).toBeLessThan(1.1);

      // The same few sentences over and over, lightly varied: what a collapsed generator produces.
      const templates = human.slice(0, 5);
      const repetitive = Array.from({ length: 600 }, (_, i) => `${templates[i % 5]} ${i % 3 === 0 ? 'again' : ''}`);
      const collapsed = await (await post(t, key, '/v1/synthetic/evaluate', { records: repetitive })).json();
      expect(collapsed.verdict.level).toBe('high');
      expect(collapsed.metrics.distinct_2.ratio).toBeLessThan(0.6 * varied.metrics.distinct_2.ratio);
      expect(collapsed.metrics.near_duplicate_rate.synthetic).toBeGreaterThan(0.5);
      expect(collapsed.verdict.reasons.join(' ')).toContain('distinct-2');
    });

    it("reads records in a job download's shape, counts the synthetic ones, and takes the caller's own reference", async () => {
      const provenance = { synthetic: true, generation_depth: 1 };
      const records = [
        { data: { instruction: human[0], response: human[1] }, provenance },
        { data: { text: human[2], label: 'news' }, provenance },
        { text: human[3] },
        { name: 'Ada', city: 'London', note: human[4] },
        human[5],
      ];
      const body = await (
        await post(t, key, '/v1/synthetic/evaluate', {
          records,
          reference: human.slice(100, 300),
          training_mix: { real_records: 100, synthetic_records: 2_000 },
        })
      ).json();
      expect(body).toMatchObject({ reference: 'custom', records: 5, synthetic_records: 2 });
      expect(body.metrics.tokens.synthetic).toBeGreaterThan(20);
      expect(body.mixing_guidance).toMatchObject({ applies: true, max_synthetic_records: 900 });
      expect(body.mixing_guidance.messages[0]).toContain('below 10%');
    });

    it('refuses an empty dataset and records without words', async () => {
      expect((await post(t, key, '/v1/synthetic/evaluate', { records: [] })).status).toBe(400);
      const wordless = await post(t, key, '/v1/synthetic/evaluate', { records: ['...', '!!'] });
      expect(wordless.status).toBe(400);
      expect((await wordless.json()).error.param).toBe('records');
    });
  });

  describe('lab', () => {
    const lab = async (body: unknown) => {
      const response = await post(t, key, '/v1/synthetic/lab', body);
      expect(response.status).toBe(200);
      return response.json();
    };

    it('shows a Gaussian refitted on its own samples losing variance as theory says', async () => {
      const body = await lab({
        experiment: 'gaussian',
        samples_per_generation: 20,
        generations: 10,
        runs: 400,
        seed: 3,
      });
      expect(body).toMatchObject({ object: 'synthetic.lab', experiment: 'gaussian', seed: 3 });
      expect(body.points).toHaveLength(11);
      const last = body.points[10];
      expect(last.theory_variance).toBeCloseTo(0.95 ** 10, 10);
      expect(Math.abs(last.mean_variance / last.theory_variance - 1)).toBeLessThan(0.15);
      expect(last.median_std).toBeLessThan(body.points[0].median_std);
      // Seeded: the same request gives the same curve.
      expect(
        await lab({ experiment: 'gaussian', samples_per_generation: 20, generations: 10, runs: 400, seed: 3 }),
      ).toEqual(body);
    });

    it('shows regression error growing when data is replaced and staying bounded when it accumulates', async () => {
      const body = await lab({ experiment: 'regression', generations: 8, runs: 200 });
      const last = body.points[8];
      expect(last.replace).toBeGreaterThan(5 * body.points[0].replace);
      expect(last.accumulate).toBeLessThan(2 * body.points[0].accumulate);
      expect(last.theory_accumulate).toBeLessThan((Math.PI ** 2 / 6) * body.points[0].theory_replace + 1e-9);
    });

    it('retrains the n-gram model on its own output: replacing loses the tail, accumulating keeps it', async () => {
      const body = await lab({ experiment: 'ngram', sentences: 300, generations: 3 });
      expect(body.parameters).toMatchObject({ sentences: 300, generations: 3, order: 2, real_share: 0.1 });
      const { replace, accumulate, mix } = body.series;
      expect(replace).toHaveLength(4);
      expect(accumulate[0]).toEqual(replace[0]);
      expect(accumulate[3].training_sentences).toBe(4 * 300);
      expect(mix[3].real_share).toBeCloseTo(0.1);
      expect(replace[3].tail_coverage).toBeLessThan(accumulate[3].tail_coverage);
      expect(replace[3].cross_entropy).toBeGreaterThan(replace[0].cross_entropy);
    });

    it.each([
      ['an unknown experiment', { experiment: 'bayes' }, 'experiment'],
      ['too many n-gram sentences', { experiment: 'ngram', sentences: 5_000 }, 'sentences'],
      [
        'a Gaussian run beyond the compute bound',
        { experiment: 'gaussian', samples_per_generation: 1_000, generations: 100, runs: 2_000 },
        'runs',
      ],
      ['fewer regression samples than dimensions', { experiment: 'regression', samples: 5, dimensions: 5 }, 'samples'],
    ])('answers 400 for %s', async (_name, body, param) => {
      const response = await post(t, key, '/v1/synthetic/lab', body);
      expect(response.status).toBe(400);
      expect((await response.json()).error.param).toBe(param);
    });
  });
});
