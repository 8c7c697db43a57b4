import { describe, expect, it } from 'vitest';
import { REDACTION, SafetyEngine } from './engine.js';
import { BUILT_IN_POLICY } from './policy.js';
import { type GuardStep, StreamGuard } from './stream-guard.js';

const engine = new SafetyEngine();
const newGuard = () => new StreamGuard((text) => engine.evaluate(text, 'output', BUILT_IN_POLICY));

/** Streams `text` through a guard in pieces of `size` characters; returns what reached the client. */
function streamed(text: string, size: number): { sent: string; steps: GuardStep[] } {
  const guard = newGuard();
  const steps: GuardStep[] = [];
  for (let i = 0; i < text.length; i += size) steps.push(guard.push(text.slice(i, i + size)));
  steps.push(guard.finish());
  return { sent: steps.map((step) => step.text).join(''), steps };
}

describe('StreamGuard', () => {
  const answer =
    'Sure. You can reach the front desk any time at (415) 555-0132, or write to desk@hotel.example and ' +
    'they will confirm the booking paid with 4111-1111-1111-1111 within the hour. Enjoy your stay in the city!';

  it('redacts personal data however the stream splits it, exactly as a whole-text check would', () => {
    const whole = engine.evaluate(answer, 'output', BUILT_IN_POLICY).text;
    expect(whole).not.toMatch(/555-0132|desk@|4111/);
    for (const size of [1, 2, 3, 5, 7, 13, 40, 1000]) expect(streamed(answer, size).sent, `size ${size}`).toBe(whole);
  });

  it('holds the tail back until enough follows, and releases it at the end', () => {
    const guard = newGuard();
    expect(guard.push('Call me on 415 555').text).toBe('');
    expect(guard.push(' 0132 please.').text).toBe('');
    expect(guard.finish().text).toBe(`Call me on ${REDACTION} please.`);
  });

  it('blocks when a violation arrives split across chunks, before releasing any of it', () => {
    const guard = newGuard();
    const prefix = 'A long and peaceful introduction that goes on for quite a while before anything happens. ';
    const first = guard.push(`${prefix}Then he was decapi`);
    expect(first.blocked).toBeNull();
    expect(first.text.length).toBeLessThan(prefix.length);
    const second = guard.push('tated in the square.');
    expect(second.blocked).toBe('violence/graphic');
    expect(second.text).toBe('');
  });

  it('reports each category once per stream', () => {
    const { steps } = streamed(`${'call 212-555-0198 now. '.repeat(8)}`, 4);
    expect(steps.flatMap((step) => step.decisions).map((d) => d.category)).toEqual(['personal-data']);
  });
});
