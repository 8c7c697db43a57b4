import { describe, expect, it } from 'vitest';
import { lastUser, scriptedChat, systemOf } from '../../test/support/fake-chat.js';
import type { Provenance } from '../provenance.js';
import { SeededRandom } from '../random.js';
import { classificationStrategy } from './classification.js';
import { recordToText } from './create.js';
import { EVOLVE_TEMPLATES, evolveStrategy } from './evolve.js';
import { SELF_INSTRUCT_TEMPLATES, selfInstructStrategy } from './instruction.js';
import { jsonRecordStrategy } from './json-records.js';
import type { JsonSchema } from './json-schema.js';
import type { AttemptContext } from './strategy.js';
import type { ChatFunction, InstructionRecord, SeedExample } from './types.js';

function context<R>(chat: ChatFunction, overrides: Partial<AttemptContext<R>> = {}): AttemptContext<R> {
  return { attempt: 0, random: new SeededRandom(1), chat, pool: [], ...overrides };
}

const seeds: SeedExample<InstructionRecord>[] = [
  'Name a river.',
  'Define entropy.',
  'Write a limerick.',
  'Sort 3, 1, 2.',
  'Explain rain.',
].map((instruction, i) => ({ id: `s${i}`, data: { instruction, response: `answer ${i}` } }));

const provenance = (depth: number): Provenance => ({
  synthetic: true,
  generator: 'g',
  judge: 'j',
  judge_score: 8,
  prompt_template_hash: 'h',
  seed_ids: [],
  parent_ids: [],
  generation_depth: depth,
  job_id: 'job_0',
  created_at: '2026-01-01T00:00:00.000Z',
});

describe('selfInstructStrategy', () => {
  const answering = () =>
    scriptedChat((call) =>
      systemOf(call) === SELF_INSTRUCT_TEMPLATES.system ? 'Task: Describe a glacier.' : 'A glacier is a river of ice.',
    );

  it('writes an instruction from rotating few-shot seeds, then answers it in a fresh call', async () => {
    const chat = answering();
    const strategy = selfInstructStrategy({ kind: 'instruction', seeds, diversity: { fewShot: 2 } });
    const outcome = await strategy.generate(context(chat, { attempt: 2 }));
    expect(outcome).toEqual({
      ok: true,
      record: { instruction: 'Describe a glacier.', response: 'A glacier is a river of ice.' },
      seedIds: expect.arrayContaining(['s4', 's0']),
      parentIds: [],
      depth: 1,
    });
    expect(outcome.ok && outcome.seedIds).toHaveLength(2);
    expect(lastUser(chat.calls[0]!)).toContain('Explain rain.');
    expect(lastUser(chat.calls[0]!)).toContain('Name a river.');
    expect(lastUser(chat.calls[0]!)).not.toContain('Define entropy.');
    expect(chat.calls[1]!.messages).toEqual([
      { role: 'system', content: expect.any(String) },
      { role: 'user', content: 'Describe a glacier.' },
    ]);
  });

  it('shows every seed equally often across consecutive attempts', async () => {
    const chat = answering();
    const strategy = selfInstructStrategy({ kind: 'instruction', seeds, diversity: { fewShot: 2 } });
    const shown = new Map<string, number>();
    for (let attempt = 0; attempt < 5; attempt++) {
      const outcome = await strategy.generate(context(chat, { attempt, random: new SeededRandom(attempt) }));
      for (const id of outcome.ok ? outcome.seedIds : []) shown.set(id, (shown.get(id) ?? 0) + 1);
    }
    expect([...shown.values()]).toEqual([2, 2, 2, 2, 2]);
  });

  it('samples topics, personas and a temperature from the diversity controls', async () => {
    const chat = answering();
    const strategy = selfInstructStrategy({
      kind: 'instruction',
      seeds,
      diversity: { topics: ['volcanoes'], personas: ['a nurse'], temperature: { min: 0.7, max: 1.1 } },
    });
    await strategy.generate(context(chat, { maxTokens: 64 }));
    expect(lastUser(chat.calls[0]!)).toContain('about volcanoes, the way a nurse would ask it');
    const options = chat.calls[0]!.options!;
    expect(options.temperature).toBeGreaterThanOrEqual(0.7);
    expect(options.temperature).toBeLessThan(1.1);
    expect(options.maxTokens).toBe(64);
    expect(Number.isInteger(options.seed)).toBe(true);
    expect(chat.calls[1]!.options!.seed).not.toBe(options.seed);
  });

  it('is one generation deeper than its deepest synthetic seed', async () => {
    const synthetic = seeds.map((seed, i) => ({ ...seed, provenance: provenance(i + 1) }));
    const strategy = selfInstructStrategy({ kind: 'instruction', seeds: synthetic, diversity: { fewShot: 5 } });
    const outcome = await strategy.generate(context(answering()));
    expect(outcome.ok && outcome.depth).toBe(6);
  });

  it('returns an invalid outcome for an empty instruction', async () => {
    const strategy = selfInstructStrategy({ kind: 'instruction', seeds });
    expect(await strategy.generate(context(scriptedChat(() => '  "" ')))).toEqual({
      ok: false,
      reason: 'empty instruction',
    });
  });

  it('records the same template hash for the same templates', () => {
    const a = selfInstructStrategy({ kind: 'instruction', seeds });
    const b = selfInstructStrategy({ kind: 'instruction', seeds: seeds.slice(1) });
    expect(a.promptTemplateHash).toMatch(/^[0-9a-f]{16}$/);
    expect(a.promptTemplateHash).toBe(b.promptTemplateHash);
  });
});

describe('evolveStrategy', () => {
  const rewriting = (rewrite: (parent: string) => string) =>
    scriptedChat((call) => {
      if (systemOf(call) !== EVOLVE_TEMPLATES.system) return 'An answer.';
      const parent = /Task: (.*)\n/.exec(lastUser(call))![1]!;
      return rewrite(parent);
    });

  it('rewrites a parent with a sampled method and answers the rewrite', async () => {
    const chat = rewriting((parent) => `${parent} Use exactly five words.`);
    const strategy = evolveStrategy({ kind: 'evolve', seeds: seeds.slice(0, 1), methods: ['constraints'] });
    const outcome = await strategy.generate(context(chat));
    expect(outcome).toEqual({
      ok: true,
      record: { instruction: 'Name a river. Use exactly five words.', response: 'An answer.' },
      seedIds: ['s0'],
      parentIds: ['s0'],
      depth: 1,
    });
    expect(lastUser(chat.calls[0]!)).toContain('more constrained version');
  });

  it('evolves records kept earlier and stops at the maximum depth', async () => {
    const chat = rewriting((parent) => `Harder: ${parent}`);
    const strategy = evolveStrategy({
      kind: 'evolve',
      seeds: [{ ...seeds[0]!, provenance: provenance(3) }],
      maxDepth: 3,
    });
    const pool = [{ id: 'job:4', data: { instruction: 'Explain tides in detail.', response: 'x' }, depth: 2 }];
    const outcome = await strategy.generate(context<InstructionRecord>(chat, { pool }));
    expect(outcome).toMatchObject({ ok: true, seedIds: [], parentIds: ['job:4'], depth: 3 });
    const exhausted = await strategy.generate(context<InstructionRecord>(chat, { pool: [{ ...pool[0]!, depth: 3 }] }));
    expect(exhausted).toEqual({ ok: false, reason: 'every parent is at the maximum depth' });
  });

  it('rejects a rewrite that only changes case or punctuation', async () => {
    const strategy = evolveStrategy({ kind: 'evolve', seeds: seeds.slice(0, 1) });
    const outcome = await strategy.generate(context(rewriting((parent) => parent.toUpperCase().replace('.', '!'))));
    expect(outcome).toEqual({ ok: false, reason: 'rewrite is identical to its parent' });
  });
});

describe('classificationStrategy', () => {
  const labels = ['billing', 'bug', 'praise'];

  it('writes a text for the label the pipeline assigned', async () => {
    const chat = scriptedChat(() => '[bug] The app crashes when I upload a photo.');
    const strategy = classificationStrategy({
      kind: 'classification',
      labels,
      item: 'support ticket',
      seeds: [{ id: 'c0', data: { text: 'Love the new design!', label: 'praise' } }],
    });
    const outcome = await strategy.generate(context(chat, { target: 'bug' }));
    expect(outcome).toMatchObject({
      ok: true,
      record: { text: 'The app crashes when I upload a photo.', label: 'bug' },
    });
    expect(lastUser(chat.calls[0]!)).toContain('support ticket that clearly belongs to the category "bug"');
    expect(lastUser(chat.calls[0]!)).toContain('- [praise] Love the new design!');
    expect(strategy.balanceKeys).toEqual(labels);
    expect(strategy.balanceKeyOf?.({ text: 'x', label: 'bug' })).toBe('bug');
  });

  it('rejects a reply that is only the label', async () => {
    const strategy = classificationStrategy({ kind: 'classification', labels });
    expect(
      await strategy.generate(
        context(
          scriptedChat(() => 'Billing.'),
          { target: 'billing' },
        ),
      ),
    ).toEqual({
      ok: false,
      reason: 'text is only the label',
    });
  });

  it('refuses fewer than two labels and seeds with unknown labels', () => {
    expect(() => classificationStrategy({ kind: 'classification', labels: ['a', 'a'] })).toThrow(/two distinct labels/);
    expect(() =>
      classificationStrategy({
        kind: 'classification',
        labels,
        seeds: [{ id: 'x', data: { text: 't', label: 'spam' } }],
      }),
    ).toThrow(/seed x/);
  });
});

describe('jsonRecordStrategy', () => {
  const schema: JsonSchema = {
    type: 'object',
    required: ['city', 'population'],
    additionalProperties: false,
    properties: { city: { type: 'string' }, population: { type: 'integer', minimum: 0 } },
  };

  it('feeds validation errors back and keeps the corrected record', async () => {
    const replies = ['{"city": "Lyon", "population": -5}', 'Fixed: {"city": "Lyon", "population": 522250}'];
    const chat = scriptedChat((_, index) => replies[index]!);
    const strategy = jsonRecordStrategy({ kind: 'json', schema, item: 'city record' });
    const outcome = await strategy.generate(context(chat));
    expect(outcome).toMatchObject({ ok: true, record: { city: 'Lyon', population: 522250 } });
    expect(chat.calls[1]!.messages.slice(-2)).toEqual([
      { role: 'assistant', content: replies[0] },
      { role: 'user', content: 'That reply is not valid: /population: expected ≥ 0. Reply with corrected JSON only.' },
    ]);
    expect(lastUser(chat.calls[0]!)).toContain('"population"');
  });

  it('asks every call, corrections included, for JSON that validates against the schema', async () => {
    const replies = ['{"city": "Lyon"}', '{"city": "Lyon", "population": 522250}'];
    const chat = scriptedChat((_, index) => replies[index]!);
    const outcome = await jsonRecordStrategy({ kind: 'json', schema }).generate(context(chat));
    expect(outcome.ok).toBe(true);
    expect(chat.calls).toHaveLength(2);
    for (const call of chat.calls) expect(call.options?.jsonSchema).toEqual(schema);
  });

  it('drops the attempt after maxRetries corrections', async () => {
    const chat = scriptedChat(() => 'I cannot do that.');
    const strategy = jsonRecordStrategy({ kind: 'json', schema, maxRetries: 2 });
    expect(await strategy.generate(context(chat))).toEqual({
      ok: false,
      reason: 'invalid after 2 corrections: no JSON value found in the reply',
    });
    expect(chat.calls).toHaveLength(3);
  });

  it('refuses unsupported keywords and seeds that do not validate', () => {
    expect(() => jsonRecordStrategy({ kind: 'json', schema: { oneOf: [] } as JsonSchema })).toThrow(/oneOf/);
    expect(() => jsonRecordStrategy({ kind: 'json', schema, seeds: [{ id: 'bad', data: { city: 1 } }] })).toThrow(
      /seed bad/,
    );
  });
});

describe('recordToText', () => {
  it('joins instruction and response, and a JSON record’s values in key order without its keys', () => {
    expect(recordToText({ kind: 'instruction', seeds }, { instruction: 'Q?', response: 'A.' })).toBe('Q?\nA.');
    expect(recordToText({ kind: 'json', schema: {} }, { b: 'two', a: ['one', 1, null, true], c: { d: 'four' } })).toBe(
      'one 1 true two four',
    );
  });
});
