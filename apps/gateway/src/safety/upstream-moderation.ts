import type { SafetyCategory } from '@synthwell/contracts';
import { z } from 'zod';
import { DETECTION_THRESHOLD, type Finding } from './types.js';

/**
 * OpenAI's moderation categories that mean the same as one of ours. The rest (`sexual` between adults,
 * non-graphic `violence`, `harassment`, `illicit`) have no Synthwell category, so they are not used.
 */
export const UPSTREAM_CATEGORIES: Readonly<Record<string, SafetyCategory>> = {
  'sexual/minors': 'sexual/minors',
  'violence/graphic': 'violence/graphic',
  'self-harm': 'self-harm',
  'self-harm/intent': 'self-harm',
  'self-harm/instructions': 'self-harm',
  hate: 'hate',
  'hate/threatening': 'hate',
};

/** One input as the upstream judged it, in our categories: flagged by the upstream, and its highest score. */
export type UpstreamJudgement = Partial<Record<SafetyCategory, { flagged: boolean; score: number }>>;

export type UpstreamFailure = 'timeout' | 'error' | 'malformed';

/** The upstream did not answer in time, answered with an error, or answered something unreadable. */
export class UpstreamModerationError extends Error {
  override readonly name = 'UpstreamModerationError';
  constructor(
    readonly failure: UpstreamFailure,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export interface UpstreamModerationConfig {
  /** The API root (`https://api.openai.com/v1`) or the full `/moderations` URL. */
  url: string;
  apiKey?: string | undefined;
  model?: string | undefined;
  timeoutMs: number;
}

/** Inputs per upstream request; larger checks (a job's seeds) are split and sent side by side. */
const BATCH = 32;

const ModerationAnswer = z.object({
  results: z.array(
    z.object({
      categories: z.record(z.string(), z.boolean().nullable()),
      category_scores: z.record(z.string(), z.number()).optional(),
    }),
  ),
});

/** Asks an OpenAI-compatible `/moderations` endpoint about `inputs`, all within one time budget. */
export async function requestModeration(
  config: UpstreamModerationConfig,
  inputs: readonly string[],
): Promise<UpstreamJudgement[]> {
  if (inputs.length === 0) return [];
  const signal = AbortSignal.timeout(config.timeoutMs);
  const batches: string[][] = [];
  for (let i = 0; i < inputs.length; i += BATCH) batches.push(inputs.slice(i, i + BATCH));
  const answers = await Promise.all(batches.map((batch) => requestBatch(config, batch, signal)));
  return answers.flat();
}

async function requestBatch(
  config: UpstreamModerationConfig,
  input: readonly string[],
  signal: AbortSignal,
): Promise<UpstreamJudgement[]> {
  let response: Response;
  let body: unknown;
  try {
    response = await fetch(moderationsUrl(config.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
      },
      body: JSON.stringify({ input, ...(config.model ? { model: config.model } : {}) }),
      signal,
    });
    body = response.ok ? await response.json() : await response.arrayBuffer().then(() => null);
  } catch (error) {
    if (signal.aborted) throw new UpstreamModerationError('timeout', `no answer within ${config.timeoutMs} ms`);
    if (error instanceof SyntaxError) throw new UpstreamModerationError('malformed', 'the answer is not JSON');
    throw new UpstreamModerationError('error', 'the request failed');
  }
  if (!response.ok) throw new UpstreamModerationError('error', `answered ${response.status}`, response.status);
  const answer = ModerationAnswer.safeParse(body);
  if (!answer.success || answer.data.results.length !== input.length) {
    throw new UpstreamModerationError('malformed', 'the answer is not a moderation result per input');
  }
  return answer.data.results.map(judgement);
}

/** The upstream's categories mapped onto ours: flagged when any mapped category is, with the highest score. */
export function judgement(result: {
  categories: Record<string, boolean | null>;
  category_scores?: Record<string, number> | undefined;
}): UpstreamJudgement {
  const ours: UpstreamJudgement = {};
  for (const [name, category] of Object.entries(UPSTREAM_CATEGORIES)) {
    const flagged = result.categories[name] === true;
    const score = clamp(result.category_scores?.[name] ?? (flagged ? 1 : 0));
    const seen = ours[category];
    ours[category] = { flagged: flagged || (seen?.flagged ?? false), score: Math.max(score, seen?.score ?? 0) };
  }
  return ours;
}

/**
 * What the upstream flagged, as findings the engine combines with its own. A flag counts whatever
 * score came with it (upstreams set their own thresholds); there are no spans, the upstream gives none.
 */
export function upstreamFindings(judged: UpstreamJudgement): Finding[] {
  return Object.entries(judged)
    .filter(([, verdict]) => verdict.flagged)
    .map(([category, verdict]) => ({
      category: category as SafetyCategory,
      score: Math.max(verdict.score, DETECTION_THRESHOLD),
      spans: [],
    }));
}

/** The endpoint: the API root with `/moderations` added, unless the URL already is the endpoint. */
export function moderationsUrl(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/moderations') ? trimmed : `${trimmed}/moderations`;
}

function clamp(score: number): number {
  return Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
}
