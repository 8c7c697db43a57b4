import { describe, expect, it } from 'vitest';
import {
  type ChatTurn,
  chatReducer,
  emptyChat,
  isStreaming,
  promptFor,
  threadFromHistory,
  titleFrom,
} from './chat-state';

const user: ChatTurn = { id: 'u1', role: 'user', content: 'Hi', status: 'done' };
const answer = (id: string): ChatTurn => ({
  id,
  role: 'assistant',
  content: '',
  model: 'sw-ngram-mini',
  status: 'streaming',
});
const quota = { kind: 'quota' as const, title: 'Daily quota reached', message: 'Used up.' };

describe('chatReducer', () => {
  it('streams an answer in pieces and finishes it', () => {
    let state = chatReducer(emptyChat, { type: 'ask', user, assistant: answer('a1') });
    expect(isStreaming(state)).toBe(true);
    state = chatReducer(state, { type: 'delta', id: 'a1', text: 'Hel' });
    state = chatReducer(state, { type: 'delta', id: 'a1', text: 'lo' });
    state = chatReducer(state, { type: 'finish', id: 'a1', stopped: false });
    expect(state.turns[1]).toMatchObject({ content: 'Hello', status: 'done' });
    expect(isStreaming(state)).toBe(false);
  });

  it('keeps what arrived before Stop, marked as stopped', () => {
    let state = chatReducer(emptyChat, { type: 'ask', user, assistant: answer('a1') });
    state = chatReducer(state, { type: 'delta', id: 'a1', text: 'Partial' });
    state = chatReducer(state, { type: 'finish', id: 'a1', stopped: true });
    expect(state.turns[1]).toMatchObject({ content: 'Partial', status: 'stopped' });
  });

  it('drops an empty failed answer and shows why', () => {
    let state = chatReducer(emptyChat, { type: 'ask', user, assistant: answer('a1') });
    state = chatReducer(state, { type: 'fail', id: 'a1', problem: quota });
    expect(state.turns).toEqual([user]);
    expect(state.problem).toEqual(quota);
  });

  it('replaces the last answer when regenerating, and clears the problem', () => {
    let state = chatReducer(emptyChat, { type: 'ask', user, assistant: answer('a1') });
    state = chatReducer(state, { type: 'delta', id: 'a1', text: 'First' });
    state = chatReducer(state, { type: 'finish', id: 'a1', stopped: false });
    state = chatReducer(state, { type: 'regenerate', assistant: answer('a2') });
    expect(state.turns.map((turn) => turn.id)).toEqual(['u1', 'a2']);
    expect(promptFor(state.turns)).toEqual([{ role: 'user', content: 'Hi' }]);
  });
});

describe('threadFromHistory', () => {
  it('shows only the latest of answers that regenerated each other', () => {
    const turns = threadFromHistory([
      { id: 'm1', role: 'user', content: 'Q', model: null },
      { id: 'm2', role: 'assistant', content: 'old', model: 'a' },
      { id: 'm3', role: 'assistant', content: 'new', model: 'a' },
      { id: 'm4', role: 'system', content: 'hidden', model: null },
    ]);
    expect(turns.map((turn) => turn.content)).toEqual(['Q', 'new']);
  });
});

describe('titleFrom', () => {
  it('uses the first line, cut at a word', () => {
    expect(titleFrom('  Short question?\nmore')).toBe('Short question?');
    expect(titleFrom('Explain the difference between replacing and accumulating synthetic data in training')).toBe(
      'Explain the difference between replacing and accumulating…',
    );
  });
});
