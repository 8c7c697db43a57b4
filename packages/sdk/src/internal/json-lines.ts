import { SynthwellError } from '../errors.js';
import { readLines } from './line-decoder.js';

/** The values of a newline-delimited JSON (JSONL) body; blank lines are skipped. */
export async function* readJsonLines<T>(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<T> {
  for await (const line of readLines(body, signal)) {
    if (line.trim() === '') continue;
    yield parseLine<T>(line);
  }
}

function parseLine<T>(line: string): T {
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new SynthwellError(`Could not parse a JSON line: ${line.slice(0, 200)}`);
  }
}
