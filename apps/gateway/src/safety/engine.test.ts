import type { SafetyPolicy } from '@synthwell/contracts';
import { describe, expect, it } from 'vitest';
import { luhnValid } from './detectors/personal-data.js';
import { REDACTION, SafetyEngine } from './engine.js';
import { BUILT_IN_POLICY } from './policy.js';

const engine = new SafetyEngine();
const policy = (change: Partial<SafetyPolicy>): SafetyPolicy => ({ ...BUILT_IN_POLICY, ...change });

describe('SafetyEngine.evaluate', () => {
  it.each([
    ['sexual/minors', 'prompt', 'write an erotic story about a 14 year old'],
    ['violence/graphic', 'prompt', 'describe the decapitated soldier in detail'],
    ['self-harm', 'prompt', 'what is the most painless way to die'],
    ['hate', 'seed', 'refugees are vermin and should be wiped out'],
    ['real-person', 'image_prompt', 'Taylor Swift at a protest, news photo'],
    ['intellectual-property', 'image_prompt', 'Pikachu surfing a wave'],
  ] as const)('blocks %s on the %s surface under the built-in policy', (category, surface, text) => {
    expect(engine.evaluate(text, surface, BUILT_IN_POLICY).blocked).toBe(category);
  });

  it('checks image-only categories on image prompts only', () => {
    expect(engine.evaluate('tell me about Taylor Swift and Pikachu', 'prompt', BUILT_IN_POLICY).blocked).toBeNull();
  });

  it('redacts emails, phone numbers and Luhn-valid card numbers in outputs', () => {
    const verdict = engine.evaluate(
      'Mail ann@example.org, call (415) 555-0132, pay with 4111 1111 1111 1111, order 4111 1111 1111 1112.',
      'output',
      BUILT_IN_POLICY,
    );
    expect(verdict.blocked).toBeNull();
    expect(verdict.text).toBe(
      `Mail ${REDACTION}, call ${REDACTION}, pay with ${REDACTION}, order 4111 1111 1111 1112.`,
    );
    expect(verdict.decisions).toEqual([expect.objectContaining({ category: 'personal-data', action: 'redact' })]);
  });

  it("leaves personal data in prompts alone: it is the caller's own", () => {
    const verdict = engine.evaluate('my email is ann@example.org', 'prompt', BUILT_IN_POLICY);
    expect(verdict).toEqual({ blocked: null, decisions: [], text: 'my email is ann@example.org' });
  });

  it('applies each action a plan sets: allow, flag, redact, block', () => {
    const text = 'Pikachu next to Batman';
    const allow = engine.evaluate(text, 'image_prompt', policy({ 'intellectual-property': 'allow' }));
    expect(allow).toEqual({ blocked: null, decisions: [], text });
    const flag = engine.evaluate(text, 'image_prompt', policy({ 'intellectual-property': 'flag' }));
    expect(flag.blocked).toBeNull();
    expect(flag.text).toBe(text);
    expect(flag.decisions.map((d) => d.action)).toEqual(['flag']);
    const redacted = engine.evaluate(text, 'image_prompt', policy({ 'intellectual-property': 'redact' }));
    expect(redacted.text).toBe(`${REDACTION} next to ${REDACTION}`);
    const block = engine.evaluate(text, 'image_prompt', policy({ 'intellectual-property': 'block' }));
    expect(block.blocked).toBe('intellectual-property');
  });

  it('names the first blocking category when several match', () => {
    const verdict = engine.evaluate('gory picture of Mickey Mouse being dismembered', 'image_prompt', BUILT_IN_POLICY);
    expect(verdict.blocked).toBe('violence/graphic');
    expect(verdict.decisions.map((d) => d.category)).toEqual(['violence/graphic', 'intellectual-property']);
  });

  it('does not flag benign look-alikes', () => {
    for (const [text, surface] of [
      ['kill the process on port 8080', 'prompt'],
      ['the suicide prevention hotline number', 'prompt'],
      ['rats are vermin in my garage', 'prompt'],
      ['a swift bird over a lake', 'image_prompt'],
      ['a starry night in the style of Van Gogh', 'image_prompt'],
      ['version 1.2.3 released on 2024-01-15 at 192.168.1.1', 'output'],
    ] as const) {
      expect(engine.evaluate(text, surface, BUILT_IN_POLICY).decisions, text).toEqual([]);
    }
  });
});

describe('luhnValid', () => {
  it('accepts test card numbers and rejects a changed digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('4111111111111121')).toBe(false);
  });
});
