import { describe, expect, it } from 'vitest';
import { run } from './cli.js';

/** Runs `synthwell …` with captured output. */
async function synthwell(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

describe('synthwell', () => {
  it('lists its commands, and answers an unknown one with usage and exit code 2', async () => {
    const help = await synthwell('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Commands:\n\s+lab\s+Run the model-collapse lab/);
    expect(help.stdout).toMatch(/\n\s+verify\s+Check that a PNG or a JSONL download/);
    const unknown = await synthwell('sign', 'data.jsonl');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "sign"');
    expect((await synthwell()).code).toBe(2);
  });

  describe('lab', () => {
    it('prints the Gaussian curve as a table, one row per generation, theory alongside', async () => {
      const { code, stdout } = await synthwell(
        'lab',
        '--experiment',
        'gaussian',
        '--generations',
        '4',
        '--runs',
        '200',
      );
      expect(code).toBe(0);
      const lines = stdout.trim().split('\n');
      expect(lines[0]).toContain('Gaussian refitted on its own samples (M = 50, 4 generations, 200 runs, seed 1)');
      expect(lines[2]).toMatch(/generation\s+median σ\s+mean σ²\s+theory σ²/);
      const rows = lines.slice(4).map((line) => line.trim().split(/\s+/).map(Number));
      expect(rows.map((row) => row[0])).toEqual([0, 1, 2, 3, 4]);
      expect(rows[0]).toEqual([0, 1, 1, 1]);
      expect(rows[4]?.[3]).toBeCloseTo(0.98 ** 4, 3);
    });

    it('prints JSON in the API’s shape with --json, reproducible from the seed', async () => {
      const args = [
        'lab',
        '--experiment',
        'regression',
        '--generations',
        '5',
        '--runs',
        '100',
        '--seed',
        '9',
        '--json',
      ];
      const first = JSON.parse((await synthwell(...args)).stdout);
      expect(first).toMatchObject({
        object: 'synthetic.lab',
        experiment: 'regression',
        seed: 9,
        parameters: { samples: 30, dimensions: 5, noise_std: 1, generations: 5, runs: 100 },
      });
      expect(first.points).toHaveLength(6);
      expect(first.points[5].replace).toBeGreaterThan(first.points[5].accumulate);
      expect(JSON.parse((await synthwell(...args)).stdout)).toEqual(first);
    });

    it('runs the n-gram experiment on the Brown corpus with the real n-gram trainer', async () => {
      const { code, stdout } = await synthwell(
        'lab',
        '--experiment',
        'ngram',
        '--sentences',
        '150',
        '--generations',
        '2',
        '--json',
      );
      expect(code).toBe(0);
      const result = JSON.parse(stdout);
      expect(Object.keys(result.series)).toEqual(['replace', 'accumulate', 'mix']);
      expect(result.series.accumulate[2].training_sentences).toBe(450);
      expect(result.series.replace[0]).toEqual(result.series.accumulate[0]);
      expect(result.series.replace[0].cross_entropy).toBeGreaterThan(1);
    });

    it('runs all three experiments without --experiment', async () => {
      const { code, stdout } = await synthwell('lab', '--generations', '2', '--json');
      expect(code).toBe(0);
      expect(JSON.parse(stdout).map((result: { experiment: string }) => result.experiment)).toEqual([
        'gaussian',
        'regression',
        'ngram',
      ]);
    });

    it.each([
      [['--experiment', 'bayes'], '--experiment must be one of'],
      [['--experiment', 'gaussian', '--sentences', '10'], '--sentences does not apply to the gaussian experiment'],
      [['--runs', '10'], '--runs does not apply to every experiment'],
      [['--experiment', 'ngram', '--sentences', '9000'], '--sentences:'],
      [['--experiment', 'gaussian', '--runs', 'many'], '--runs must be a number'],
      [['--verbose'], "Unknown option '--verbose'"],
    ])('refuses %j with a usage error', async (args, message) => {
      const { code, stderr } = await synthwell('lab', ...args);
      expect(code).toBe(2);
      expect(stderr).toContain(message);
      expect(stderr).toContain('Usage: synthwell lab');
    });
  });
});
