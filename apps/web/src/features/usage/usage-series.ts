export type Feature = 'chat' | 'image' | 'synthetic';

export interface UsageRow {
  day: string;
  feature: Feature;
  model: string;
  requests: number;
  images: number;
  records: number;
}

/** What counts against each feature's daily quota: chat requests, images, kept records. */
export function quotaUnits(row: UsageRow): number {
  if (row.feature === 'image') return row.images;
  if (row.feature === 'synthetic') return row.records;
  return row.requests;
}

/** The UTC days from `days − 1` days ago to today, oldest first, as `YYYY-MM-DD`. */
export function lastDays(days: number, now = new Date()): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, index) =>
    new Date(today - (days - 1 - index) * 86_400_000).toISOString().slice(0, 10),
  );
}

/** Quota units per day for one feature over `days`, summed across models; days without usage are 0. */
export function dailySeries(rows: readonly UsageRow[], feature: Feature, days: readonly string[]): number[] {
  const totals = new Map<string, number>();
  for (const row of rows) {
    if (row.feature === feature) totals.set(row.day, (totals.get(row.day) ?? 0) + quotaUnits(row));
  }
  return days.map((day) => totals.get(day) ?? 0);
}
