import { describe, expect, it } from 'vitest';
import { lastUser, scriptedChat } from '../../test/support/fake-chat.js';
import type { TaskSpec } from '../tasks/types.js';
import { createLlmJudge, parseJudgeReply } from './llm-judge.js';
import { JudgeError } from './types.js';

const instructionTask: TaskSpec = { kind: 'instruction', seeds: [] };
const classificationTask: TaskSpec = { kind: 'classification', labels: ['billing', 'bug'], item: 'support ticket' };

describe('parseJudgeReply', () => {
  it.each([
    ['{"score": 7, "rationale": "clear and correct"}', 7, 'clear and correct'],
    ['```json\n{"score": "8", "reason": "good"}\n```', 8, 'good'],
    ['Sure! {"score": 3, "explanation": "off topic"} Hope that helps.', 3, 'off topic'],
    ['{"score": 6.6}', 7, '{"score": 6.6}'],
  ])('reads JSON: %s', (reply, score, rationale) => {
    expect(parseJudgeReply(reply)).toEqual({ score, rationale });
  });

  it.each([
    ['The response is accurate.\nScore: 7', 7],
    ['**Score:** 9/10 because it is thorough', 9],
    ['My rating is 4 out of 10.', 4],
    ['I would give this 6/10.', 6],
  ])('reads labelled scores: %s', (reply, score) => {
    expect(parseJudgeReply(reply)?.score).toBe(score);
  });

  it.each([['Score: 85'], ['{"score": 0}'], ['looks fine to me'], ['{"rating": "high"}']])(
    'rejects a missing or out-of-range score: %s',
    (reply) => {
      expect(parseJudgeReply(reply)).toBeNull();
    },
  );
});

describe('createLlmJudge', () => {
  it('sends the task rubric and the record at temperature 0', async () => {
    const chat = scriptedChat(() => '{"score": 8, "rationale": "fits the label"}');
    const judge = createLlmJudge({ chat, name: 'llm:test' });
    const verdict = await judge.score({ text: 'I was charged twice this month', label: 'billing' }, classificationTask);
    expect(verdict).toEqual({ score: 8, rationale: 'fits the label' });
    expect(lastUser(chat.calls[0]!)).toContain('"billing", "bug"');
    expect(lastUser(chat.calls[0]!)).toContain('I was charged twice this month');
    expect(chat.calls[0]!.options).toEqual({ temperature: 0 });
  });

  it('asks again after an unparsable reply', async () => {
    const chat = scriptedChat((_, index) => (index === 0 ? 'It is pretty good.' : 'Score: 6'));
    const judge = createLlmJudge({ chat, name: 'llm:test' });
    expect((await judge.score({ instruction: 'a', response: 'b' }, instructionTask)).score).toBe(6);
    expect(chat.calls).toHaveLength(2);
    expect(chat.calls[1]!.messages.at(-2)).toEqual({ role: 'assistant', content: 'It is pretty good.' });
  });

  it('fails with JudgeError when no attempt yields a score', async () => {
    const chat = scriptedChat(() => 'no idea');
    const judge = createLlmJudge({ chat, name: 'llm:test', maxAttempts: 3 });
    await expect(judge.score({ instruction: 'a', response: 'b' }, instructionTask)).rejects.toBeInstanceOf(JudgeError);
    expect(chat.calls).toHaveLength(3);
  });
});
