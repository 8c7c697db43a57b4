import { describe, expect, it } from 'vitest';
import { SafetyEngine } from './engine.js';
import { BUILT_IN_POLICY } from './policy.js';
import { judgement, moderationsUrl, upstreamFindings } from './upstream-moderation.js';

describe('upstream moderation results', () => {
  it("maps OpenAI's categories onto ours: any sub-category flags it, at the highest score", () => {
    const judged = judgement({
      categories: { 'self-harm': false, 'self-harm/intent': true, hate: false, harassment: true, sexual: true },
      category_scores: { 'self-harm': 0.2, 'self-harm/intent': 0.7, hate: 0.1, harassment: 0.99, sexual: 0.9 },
    });
    expect(judged['self-harm']).toEqual({ flagged: true, score: 0.7 });
    expect(judged.hate).toEqual({ flagged: false, score: 0.1 });
    expect(Object.keys(judged)).not.toContain('harassment');
    expect(upstreamFindings(judged)).toEqual([{ category: 'self-harm', score: 0.7, spans: [] }]);
  });

  it("trusts the upstream's own flag even below our threshold, and reads answers without scores", () => {
    const low = judgement({ categories: { 'violence/graphic': true }, category_scores: { 'violence/graphic': 0.2 } });
    expect(upstreamFindings(low)).toEqual([{ category: 'violence/graphic', score: 0.5, spans: [] }]);
    expect(judgement({ categories: { hate: true } }).hate).toEqual({ flagged: true, score: 1 });
  });

  it('posts to <root>/moderations, or to the endpoint when given one', () => {
    expect(moderationsUrl('https://api.openai.com/v1')).toBe('https://api.openai.com/v1/moderations');
    expect(moderationsUrl('https://mod.example/v1/')).toBe('https://mod.example/v1/moderations');
    expect(moderationsUrl('https://mod.example/v1/moderations')).toBe('https://mod.example/v1/moderations');
  });
});

describe('SafetyEngine.evaluate with upstream findings', () => {
  const engine = new SafetyEngine();
  const hate = { category: 'hate' as const, score: 0.9, spans: [] };

  it('applies the plan’s action to what only the upstream found', () => {
    expect(engine.evaluate('a harmless sentence', 'prompt', BUILT_IN_POLICY, [hate]).blocked).toBe('hate');
    const flagged = engine.evaluate('a harmless sentence', 'prompt', { ...BUILT_IN_POLICY, hate: 'flag' }, [hate]);
    expect(flagged).toMatchObject({ blocked: null, decisions: [{ category: 'hate', action: 'flag' }] });
  });

  it('flags instead of redacting when no built-in detector says where the text matched', () => {
    const verdict = engine.evaluate('a harmless sentence', 'prompt', { ...BUILT_IN_POLICY, hate: 'redact' }, [hate]);
    expect(verdict).toMatchObject({ text: 'a harmless sentence', decisions: [{ category: 'hate', action: 'flag' }] });
  });

  it('ignores findings for categories the surface does not check', () => {
    const person = { category: 'real-person' as const, score: 1, spans: [] };
    expect(engine.evaluate('a harmless sentence', 'prompt', BUILT_IN_POLICY, [person]).blocked).toBeNull();
    expect(engine.evaluate('a harmless sentence', 'image_prompt', BUILT_IN_POLICY, [person]).blocked).toBe(
      'real-person',
    );
  });
});
