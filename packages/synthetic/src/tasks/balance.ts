/**
 * Balanced counts per key (classification labels): a quota per key, and a plan of which key each
 * attempt of a batch should target so the batch fills the largest gaps first.
 */

/** count split as evenly as possible; the first `count mod keys` keys get one more. */
export function quotas(keys: readonly string[], count: number): Map<string, number> {
  const base = Math.floor(count / keys.length);
  const extra = count % keys.length;
  return new Map(keys.map((key, i) => [key, base + (i < extra ? 1 : 0)]));
}

/**
 * Keys for `attempts` consecutive attempts: the remaining deficit of every key, interleaved
 * round-robin (deficits a: 3, b: 1 → a, b, a, a), repeated if the batch is longer than the deficits.
 * Keys at quota appear only when every key is (then the plan is all keys, round-robin).
 */
export function targetPlan(
  keys: readonly string[],
  quota: ReadonlyMap<string, number>,
  kept: ReadonlyMap<string, number>,
  attempts: number,
): string[] {
  const remaining = keys.map((key) => Math.max(0, (quota.get(key) ?? 0) - (kept.get(key) ?? 0)));
  const cycle: string[] = [];
  for (let round = 0; cycle.length < attempts && remaining.some((r) => r > round); round++) {
    keys.forEach((key, i) => {
      if (remaining[i]! > round) cycle.push(key);
    });
  }
  const source = cycle.length > 0 ? cycle : [...keys];
  return Array.from({ length: attempts }, (_, i) => source[i % source.length]!);
}
