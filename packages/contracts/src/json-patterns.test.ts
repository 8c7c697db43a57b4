import { describe, expect, it } from 'vitest';
import { isJsonType, patternRisk } from './json-patterns.js';

describe('pattern risk', () => {
  it('bounds the backtracking of patterns without nested repetition, smaller when anchored', () => {
    expect(patternRisk('^[A-Z]{3}-\\d{4}$', 100)).toEqual({ ok: true, steps: 1 });
    expect(patternRisk('^\\d{1,3}$', 100)).toEqual({ ok: true, steps: 3 });
    expect(patternRisk('^a*b*$', 100)).toEqual({ ok: true, steps: 101 * 101 });
    expect(patternRisk('a*', 100)).toEqual({ ok: true, steps: 101 * 100 });
  });

  it('refuses, with the reason, what can take exponential time or does not compile', () => {
    const reasons: Array<[string, RegExp]> = [
      ['^(a+)+$', /nested repetition/],
      ['(a|ab)*c', /alternatives/],
      ['(x+x+){2,3}y', /nested repetition/],
      ['(a)\\1', /back-references/],
      ['(?<q>a)\\k<q>', /back-references/],
      ['a(?=b)', /lookarounds/],
      ['(?<!a)b', /lookarounds/],
      ['(', /not a valid regular expression/],
    ];
    for (const [pattern, reason] of reasons) {
      const risk = patternRisk(pattern, 100);
      expect(risk.ok, pattern).toBe(false);
      if (!risk.ok) expect(risk.reason).toMatch(reason);
    }
    // An exact count of a group that varies inside has no choice to backtrack over.
    expect(patternRisk('^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$', 100).ok).toBe(true);
    expect(patternRisk('^(?<year>\\d{4})-(?:0[1-9]|1[0-2])$', 100).ok).toBe(true);
  });
});

describe('JSON types', () => {
  it('tells JSON Schema types apart as validators do', () => {
    expect(isJsonType(3, 'integer') && isJsonType(3, 'number')).toBe(true);
    expect(isJsonType(3.5, 'integer')).toBe(false);
    expect(isJsonType([], 'object') || isJsonType(null, 'object')).toBe(false);
    expect(isJsonType({}, 'object') && isJsonType([], 'array') && isJsonType(null, 'null')).toBe(true);
  });
});
