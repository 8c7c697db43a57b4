import { describe, expect, it } from 'vitest';
import { quotas, targetPlan } from './balance.js';

describe('quotas', () => {
  it('splits the count as evenly as possible', () => {
    expect(quotas(['a', 'b', 'c'], 10)).toEqual(
      new Map([
        ['a', 4],
        ['b', 3],
        ['c', 3],
      ]),
    );
  });
});

describe('targetPlan', () => {
  const quota = new Map([
    ['a', 4],
    ['b', 2],
  ]);

  it('interleaves the remaining deficits', () => {
    expect(targetPlan(['a', 'b'], quota, new Map([['a', 1]]), 5)).toEqual(['a', 'b', 'a', 'b', 'a']);
  });

  it('repeats the deficits when the batch is longer', () => {
    expect(
      targetPlan(
        ['a', 'b'],
        quota,
        new Map([
          ['a', 3],
          ['b', 1],
        ]),
        5,
      ),
    ).toEqual(['a', 'b', 'a', 'b', 'a']);
    expect(
      targetPlan(
        ['a', 'b'],
        quota,
        new Map([
          ['a', 4],
          ['b', 1],
        ]),
        3,
      ),
    ).toEqual(['b', 'b', 'b']);
  });

  it('cycles through every key when all quotas are met', () => {
    expect(
      targetPlan(
        ['a', 'b'],
        quota,
        new Map([
          ['a', 4],
          ['b', 2],
        ]),
        3,
      ),
    ).toEqual(['a', 'b', 'a']);
  });
});
