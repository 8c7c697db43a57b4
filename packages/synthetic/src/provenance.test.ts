import { describe, expect, it } from 'vitest';
import { generationDepthOf, isSynthetic, MIN_REAL_SHARE, mixingGuidance, type Provenance } from './provenance.js';

const provenance = (depth: number): Provenance => ({
  synthetic: true,
  generator: 'builtin/ngram',
  judge: 'offline:rules+fluency',
  judge_score: 7,
  prompt_template_hash: '0123456789abcdef',
  seed_ids: ['s1'],
  parent_ids: [],
  generation_depth: depth,
  job_id: 'job_1',
  created_at: '2026-11-01T00:00:00.000Z',
});

describe('isSynthetic and generationDepthOf', () => {
  it('recognise records and seeds that carry provenance', () => {
    const record = { id: 'r1', data: { text: 'x' }, provenance: provenance(2) };
    expect(isSynthetic(record)).toBe(true);
    expect(generationDepthOf(record)).toBe(2);
    expect(isSynthetic(provenance(1))).toBe(true);
  });

  it('treat data without valid provenance as human', () => {
    for (const value of [
      { id: 'h', data: {} },
      { provenance: { synthetic: false } },
      { provenance: { ...provenance(1), generation_depth: 0 } },
      null,
      'text',
    ]) {
      expect(isSynthetic(value)).toBe(false);
      expect(generationDepthOf(value)).toBe(0);
    }
  });
});

describe('mixingGuidance', () => {
  it('has nothing to advise for human seeds and no training mix', () => {
    const guidance = mixingGuidance({ seeds: [{ id: 'a', data: {} }] });
    expect(guidance.applies).toBe(false);
    expect(guidance.messages).toEqual([]);
  });

  it('tells a job with synthetic seeds to accumulate with the real data', () => {
    const guidance = mixingGuidance({
      seeds: [
        { id: 'a', data: {} },
        { id: 'b', data: {}, provenance: provenance(2) },
      ],
    });
    expect(guidance).toMatchObject({ applies: true, strategy: 'accumulate', syntheticSeeds: 1, maxSeedDepth: 2 });
    expect(guidance.messages[0]).toMatch(/1 of 2 seeds are synthetic.*generation depth 3.*not instead of it/);
  });

  it('caps synthetic records so real data keeps at least the minimum share', () => {
    expect(MIN_REAL_SHARE).toBe(0.1);
    const guidance = mixingGuidance({ trainingMix: { realRecords: 1000, syntheticRecords: 20_000 } });
    expect(guidance.realShare).toBeCloseTo(1000 / 21_000);
    expect(guidance.maxSyntheticRecords).toBe(9000);
    expect(guidance.messages[0]).toMatch(/4\.8% of the mix, below 10%: use at most 9000 synthetic records/);
  });

  it('still recommends accumulating when the mix has enough real data', () => {
    const guidance = mixingGuidance({ trainingMix: { realRecords: 500, syntheticRecords: 500 } });
    expect(guidance.realShare).toBe(0.5);
    expect(guidance.messages[0]).toMatch(/accumulate, do not replace/);
  });

  it('asks for the real data back when a mix has none', () => {
    const guidance = mixingGuidance({ trainingMix: { realRecords: 0, syntheticRecords: 100 } });
    expect(guidance.messages[0]).toMatch(/no real data/);
  });
});
