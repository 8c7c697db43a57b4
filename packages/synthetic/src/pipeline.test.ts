import { describe, expect, it } from 'vitest';
import { lastUser, scriptedChat, systemOf, wordsFor } from '../test/support/fake-chat.js';
import { NearDuplicateIndex } from './dedup/near-duplicate-index.js';
import type { Judge } from './judge/types.js';
import {
  type JobCheckpoint,
  type JobEvent,
  type RunOptions,
  runSyntheticJob,
  type SyntheticJobDeps,
  type SyntheticJobSpec,
  type SyntheticRecord,
} from './pipeline.js';
import type { Provenance } from './provenance.js';
import { recordToText } from './tasks/create.js';
import { EVOLVE_TEMPLATES } from './tasks/evolve.js';
import { SELF_INSTRUCT_TEMPLATES } from './tasks/instruction.js';
import type { ChatFunction, InstructionRecord, SeedExample, TaskSpec } from './tasks/types.js';

const NOW = new Date('2026-11-01T12:00:00.000Z');

const seeds: SeedExample<InstructionRecord>[] = [
  {
    id: 'seed-a',
    data: { instruction: 'Explain how a lighthouse warns ships at night.', response: 'It flashes a light pattern.' },
  },
  {
    id: 'seed-b',
    data: { instruction: 'List three uses of copper in a modern house.', response: 'Wiring, pipes and roofing.' },
  },
  {
    id: 'seed-c',
    data: { instruction: 'Summarise the water cycle in two sentences.', response: 'Water evaporates and condenses.' },
  },
];

/**
 * A generator whose output depends only on the sampling seed of each call, like a provider that
 * honours `seed`: about one attempt in five copies seed-a (a duplicate) and one response in three
 * contains "meh" (which the judge scores low).
 */
function generator(): ChatFunction {
  return scriptedChat((call) => {
    const seed = call.options!.seed!;
    if (systemOf(call) === SELF_INSTRUCT_TEMPLATES.system) {
      return seed % 5 === 0 ? seeds[0]!.data.instruction : `Describe ${wordsFor(seed, 12)}.`;
    }
    if (systemOf(call) === EVOLVE_TEMPLATES.system) {
      const parent = /Task: (.*)\n/.exec(lastUser(call))![1]!;
      return `${parent} Also mention ${wordsFor(seed, 3)}.`;
    }
    const copied = seeds.find((s) => s.data.instruction === lastUser(call));
    if (copied) return copied.data.response;
    return `${wordsFor(seed, 25)}${seed % 3 === 0 ? ' meh' : ''}`;
  });
}

const judge: Judge = {
  name: 'fake-judge',
  async score(record, task) {
    const meh = recordToText(task, record).includes('meh');
    return { score: meh ? 3 : 8, rationale: meh ? 'lukewarm' : 'fine' };
  },
};

const deps = (overrides: Partial<SyntheticJobDeps> = {}): SyntheticJobDeps => ({
  chat: generator(),
  judge,
  now: () => NOW,
  ...overrides,
});

const spec = (overrides: Partial<SyntheticJobSpec> = {}): SyntheticJobSpec => ({
  jobId: 'job_test',
  task: { kind: 'instruction', seeds },
  count: 30,
  seed: 42,
  generator: 'fake-generator',
  batchSize: 4,
  ...overrides,
});

interface Run {
  records: SyntheticRecord[];
  events: JobEvent[];
  checkpoint: JobCheckpoint | undefined;
}

async function run(
  jobSpec: SyntheticJobSpec,
  jobDeps: SyntheticJobDeps,
  options: RunOptions = {},
  stopAfter = Infinity,
): Promise<Run> {
  const result: Run = { records: [], events: [], checkpoint: undefined };
  for await (const event of runSyntheticJob(jobSpec, jobDeps, options)) {
    result.events.push(event);
    result.checkpoint = event.checkpoint;
    if (event.type === 'record') {
      result.records.push(event.record);
      if (result.records.length === stopAfter) break;
    }
  }
  return result;
}

const last = (result: Run) => result.events.at(-1)!;

describe('runSyntheticJob', () => {
  it('keeps `count` records numbered 0..count−1, each with full provenance', async () => {
    const result = await run(spec(), deps());
    expect(result.records.map((r) => r.seq)).toEqual([...Array(30).keys()]);
    const done = last(result);
    expect(done).toMatchObject({ type: 'done', outcome: 'completed', progress: { kept: 30 } });
    const provenance: Provenance = result.records[0]!.provenance;
    expect(provenance).toEqual({
      synthetic: true,
      generator: 'fake-generator',
      judge: 'fake-judge',
      judge_score: 8,
      prompt_template_hash: expect.stringMatching(/^[0-9a-f]{16}$/),
      seed_ids: expect.arrayContaining(['seed-a', 'seed-b', 'seed-c']),
      parent_ids: [],
      generation_depth: 1,
      job_id: 'job_test',
      created_at: NOW.toISOString(),
    });
    expect(result.records[0]!.id).toBe('job_test:0');
  });

  it('rejects duplicates of seeds and low-scored records, and accounts for every attempt', async () => {
    const result = await run(spec(), deps());
    const done = last(result);
    if (done.type !== 'done') throw new Error('no done event');
    const { generated, kept, rejected } = done.progress;
    expect(rejected.duplicate).toBeGreaterThan(0);
    expect(rejected.low_score).toBeGreaterThan(0);
    expect(generated).toBe(kept + Object.values(rejected).reduce((a, b) => a + b, 0));
    for (const record of result.records) {
      expect(record.verdict.score).toBeGreaterThanOrEqual(6);
      expect(seeds.some((s) => s.data.instruction === (record.data as InstructionRecord).instruction)).toBe(false);
    }
  });

  it('reports progress after every batch, with an ETA once records are kept', async () => {
    const result = await run(spec(), deps({ clock: counter() }));
    const progress = result.events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(5);
    const latest = progress.at(-1)!;
    if (latest.type !== 'progress') throw new Error('unreachable');
    expect(latest.progress.eta_ms).toBeGreaterThanOrEqual(0);
  });

  describe('resume', () => {
    it.each<[string, TaskSpec]>([
      ['self-instruct', { kind: 'instruction', seeds }],
      ['evolve (later batches build on kept records)', { kind: 'evolve', seeds, maxDepth: 4 }],
      ['classification (balanced labels)', { kind: 'classification', labels: ['a', 'b', 'c'] }],
    ])('%s: interrupted after any k records and resumed, gives the uninterrupted result', async (_, task) => {
      const jobSpec = spec({ task, count: 16 });
      const full = await run(jobSpec, deps());
      let insideBatch = 0;
      for (let k = 1; k < jobSpec.count; k++) {
        const partial = await run(jobSpec, deps(), {}, k);
        if (partial.checkpoint!.next_attempt % jobSpec.batchSize! !== 0) insideBatch++;
        const resumed = await run(jobSpec, deps(), {
          resume: { checkpoint: partial.checkpoint!, records: partial.records },
        });
        const combined = [...partial.records, ...resumed.records];
        expect(new Set(combined.map((r) => r.seq)).size).toBe(combined.length);
        expect(combined).toEqual(full.records);
        expect(last(resumed)).toEqual(last(full));
      }
      // Most interruptions fall inside a batch, the case that batch alignment exists for.
      expect(insideBatch).toBeGreaterThan(5);
    });

    it('refuses a checkpoint without the records before it, or of another job', async () => {
      const partial = await run(spec(), deps(), {}, 5);
      const resume = { checkpoint: partial.checkpoint!, records: partial.records.slice(1) };
      await expect(run(spec(), deps(), { resume })).rejects.toThrow(/record 0 of job job_test is missing/);
      const other = { checkpoint: partial.checkpoint!, records: partial.records };
      await expect(run(spec({ jobId: 'job_other' }), deps(), { resume: other })).rejects.toThrow(
        /belongs to job job_test/,
      );
    });
  });

  describe('cancellation', () => {
    it('stops with a cancelled event whose checkpoint resumes to the uninterrupted result', async () => {
      const full = await run(spec(), deps());
      const controller = new AbortController();
      const inner = generator();
      let calls = 0;
      const aborting: ChatFunction = async (messages, options) => {
        if (++calls === 25) controller.abort();
        options?.signal?.throwIfAborted();
        return inner(messages, options);
      };
      const cancelled = await run(spec(), deps({ chat: aborting }), { signal: controller.signal });
      expect(last(cancelled)).toMatchObject({ type: 'done', outcome: 'cancelled' });
      expect(cancelled.records.length).toBeGreaterThan(0);
      expect(cancelled.records.length).toBeLessThan(30);
      expect(cancelled.checkpoint!.next_seq).toBe(cancelled.records.length);

      const resumed = await run(spec(), deps(), {
        resume: { checkpoint: cancelled.checkpoint!, records: cancelled.records },
      });
      expect([...cancelled.records, ...resumed.records]).toEqual(full.records);
    });

    it('does nothing when the signal has already fired', async () => {
      const chat = scriptedChat(() => 'unused');
      const result = await run(spec(), deps({ chat }), { signal: AbortSignal.abort() });
      expect(result.events).toHaveLength(1);
      expect(last(result)).toMatchObject({ outcome: 'cancelled', progress: { generated: 0 } });
      expect(chat.calls).toHaveLength(0);
    });
  });

  it('ends exhausted after maxAttempts when nothing passes the judge', async () => {
    const harsh: Judge = { name: 'harsh', score: async () => ({ score: 2, rationale: 'no' }) };
    const result = await run(spec({ maxAttempts: 12 }), deps({ judge: harsh }));
    expect(result.records).toEqual([]);
    expect(last(result)).toMatchObject({ outcome: 'exhausted', progress: { generated: 12, kept: 0 } });
  });

  it('counts failing chat and judge calls as rejections instead of failing the job', async () => {
    const inner = generator();
    let calls = 0;
    const flaky: ChatFunction = async (messages, options) => {
      if (++calls % 5 === 0) throw new Error('upstream 503');
      return inner(messages, options);
    };
    let judged = 0;
    const moody: Judge = {
      name: 'moody',
      score: async (record, task) =>
        ++judged % 4 === 0 ? Promise.reject(new Error('timeout')) : judge.score(record, task),
    };
    const result = await run(spec({ count: 10 }), deps({ chat: flaky, judge: moody }));
    const done = last(result);
    expect(done).toMatchObject({ outcome: 'completed' });
    if (done.type !== 'done') throw new Error('unreachable');
    expect(done.progress.rejected.generation_error).toBeGreaterThan(0);
    expect(done.progress.rejected.judge_error).toBeGreaterThan(0);
  });

  it('keeps exactly balanced label counts for classification', async () => {
    const chat = scriptedChat((call) => wordsFor(call.options!.seed!, 15));
    const result = await run(
      spec({ task: { kind: 'classification', labels: ['a', 'b', 'c'] }, count: 10 }),
      deps({ chat }),
    );
    const counts = new Map<string, number>();
    for (const record of result.records) {
      const { label } = record.data as { label: string };
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    expect(counts).toEqual(
      new Map([
        ['a', 4],
        ['b', 3],
        ['c', 3],
      ]),
    );
  });

  it('rejects records that duplicate an earlier job through the external index', async () => {
    const earlier = await run(spec({ count: 10 }), deps());
    const external = new NearDuplicateIndex();
    for (const record of earlier.records) external.add(record.id, recordToText(spec().task, record.data));
    // Same seed, so the new job regenerates the earlier job's records first and must reject them all.
    const again = await run(spec({ jobId: 'job_again', count: 10 }), deps({ externalIndex: external }));
    const done = last(again);
    if (done.type !== 'done') throw new Error('unreachable');
    const earlierAttempts = new Set(earlier.records.map((r) => r.attempt));
    expect(again.records.some((r) => earlierAttempts.has(r.attempt))).toBe(false);
    expect(done.progress.rejected.duplicate).toBeGreaterThanOrEqual(earlier.records.length);
    expect(external.size).toBe(10);
  });

  it('records depth one above synthetic seeds and lets evolve chains grow deeper', async () => {
    const syntheticSeeds = seeds.map((seed) => ({
      ...seed,
      provenance: {
        synthetic: true as const,
        generator: 'g',
        judge: 'j',
        judge_score: 9,
        prompt_template_hash: 'h',
        seed_ids: [],
        parent_ids: [],
        generation_depth: 2,
        job_id: 'job_0',
        created_at: NOW.toISOString(),
      },
    }));
    const fromSynthetic = await run(spec({ task: { kind: 'instruction', seeds: syntheticSeeds }, count: 5 }), deps());
    expect(fromSynthetic.records.map((r) => r.provenance.generation_depth)).toEqual([3, 3, 3, 3, 3]);

    const evolved = await run(spec({ task: { kind: 'evolve', seeds, maxDepth: 3 }, count: 24 }), deps());
    const deeper = evolved.records.filter((r) => r.provenance.generation_depth > 1);
    expect(deeper.length).toBeGreaterThan(0);
    for (const record of deeper) expect(record.provenance.parent_ids[0]).toMatch(/^job_test:\d+$/);
  });

  it('refuses a malformed spec', async () => {
    await expect(run(spec({ count: 0 }), deps())).rejects.toThrow(RangeError);
    await expect(run(spec({ task: { kind: 'instruction', seeds: [] } }), deps())).rejects.toThrow(/at least one seed/);
    const twice = [seeds[0]!, { ...seeds[1]!, id: 'seed-a' }];
    await expect(run(spec({ task: { kind: 'instruction', seeds: twice } }), deps())).rejects.toThrow(
      /seed-a is used twice/,
    );
  });
});

/** A clock that advances 10 ms per reading. */
function counter(): () => number {
  let now = 0;
  return () => (now += 10);
}
