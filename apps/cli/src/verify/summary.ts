import { generationDepthOf, isSynthetic } from '@synthwell/synthetic';

/** What a JSONL export holds, judged by each record's own provenance. */
export interface DatasetSummary {
  /** Non-blank lines. */
  lines: number;
  /** Lines that carry synthetic provenance. */
  synthetic: number;
  /** Readable lines without synthetic provenance: human data, as far as the file says. */
  human: number;
  /** Lines that are not a JSON object. */
  unreadable: number;
  /** Records by generation depth (0 for human data), deepest last. */
  depths: Array<{ depth: number; records: number }>;
}

export function summariseJsonl(jsonl: string): DatasetSummary {
  const summary: DatasetSummary = { lines: 0, synthetic: 0, human: 0, unreadable: 0, depths: [] };
  const depths = new Map<number, number>();
  for (const line of jsonl.split('\n')) {
    if (!line.trim()) continue;
    summary.lines++;
    const record = parseObject(line);
    if (record === null) {
      summary.unreadable++;
      continue;
    }
    if (isSynthetic(record)) summary.synthetic++;
    else summary.human++;
    const depth = generationDepthOf(record);
    depths.set(depth, (depths.get(depth) ?? 0) + 1);
  }
  summary.depths = [...depths].sort(([a], [b]) => a - b).map(([depth, records]) => ({ depth, records }));
  return summary;
}

function parseObject(line: string): object | null {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}
