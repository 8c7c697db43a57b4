import type { Problem } from '../../lib/problems';

export interface ChatTurn {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  model?: string | undefined;
  /** Only assistant turns stream; `stopped` keeps what arrived before Stop. */
  status: 'streaming' | 'done' | 'stopped' | 'failed';
}

export interface ChatState {
  conversationId: string | null;
  turns: ChatTurn[];
  /** Why the last answer failed (a quota, a locked model, the network), shown under the thread. */
  problem: Problem | null;
}

export type ChatAction =
  | { type: 'load'; conversationId: string | null; turns: ChatTurn[] }
  | { type: 'ask'; user: ChatTurn; assistant: ChatTurn }
  | { type: 'regenerate'; assistant: ChatTurn }
  | { type: 'delta'; id: string; text: string }
  | { type: 'finish'; id: string; stopped: boolean }
  | { type: 'fail'; id: string; problem: Problem }
  | { type: 'problem'; problem: Problem }
  | { type: 'saved'; conversationId: string };

export const emptyChat: ChatState = { conversationId: null, turns: [], problem: null };

const updateTurn = (turns: ChatTurn[], id: string, change: (turn: ChatTurn) => ChatTurn) =>
  turns.map((turn) => (turn.id === id ? change(turn) : turn));

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'load':
      return { conversationId: action.conversationId, turns: action.turns, problem: null };
    case 'ask':
      return { ...state, turns: [...state.turns, action.user, action.assistant], problem: null };
    case 'regenerate': {
      const last = state.turns[state.turns.length - 1];
      const kept = last?.role === 'assistant' ? state.turns.slice(0, -1) : state.turns;
      return { ...state, turns: [...kept, action.assistant], problem: null };
    }
    case 'delta':
      return {
        ...state,
        turns: updateTurn(state.turns, action.id, (turn) => ({ ...turn, content: turn.content + action.text })),
      };
    case 'finish':
      return {
        ...state,
        turns: updateTurn(state.turns, action.id, (turn) => ({ ...turn, status: action.stopped ? 'stopped' : 'done' })),
      };
    case 'fail': {
      // A failed answer with nothing in it is dropped: the problem notice explains what happened.
      const turns = state.turns.flatMap((turn) =>
        turn.id !== action.id ? [turn] : turn.content ? [{ ...turn, status: 'failed' as const }] : [],
      );
      return { ...state, turns, problem: action.problem };
    }
    case 'problem':
      return { ...state, problem: action.problem };
    case 'saved':
      return { ...state, conversationId: action.conversationId };
  }
}

/** Whether an answer is being written right now. */
export function isStreaming(state: ChatState): boolean {
  return state.turns.some((turn) => turn.status === 'streaming');
}

/** The messages to send the model: the thread before the answer being written, without failed answers. */
export function promptFor(turns: ChatTurn[]): { role: 'user' | 'assistant'; content: string }[] {
  return turns
    .filter((turn) => turn.status !== 'streaming' && turn.status !== 'failed' && turn.content)
    .map(({ role, content }) => ({ role, content }));
}

export interface StoredMessage {
  id: string;
  role: string;
  content: string;
  model: string | null;
}

/**
 * A saved conversation as a thread. Regenerating appends a new answer after the old one (the history
 * is append-only), so an answer directly followed by another answer was replaced by it.
 */
export function threadFromHistory(messages: StoredMessage[]): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const message of messages) {
    if (message.role !== 'user' && message.role !== 'assistant') continue;
    const turn: ChatTurn = {
      id: message.id,
      role: message.role,
      content: message.content,
      model: message.model ?? undefined,
      status: 'done',
    };
    if (turn.role === 'assistant' && turns[turns.length - 1]?.role === 'assistant') turns[turns.length - 1] = turn;
    else turns.push(turn);
  }
  return turns;
}

/** A conversation's title: the first line of its first question, cut at a word near 60 characters. */
export function titleFrom(question: string): string {
  const line = question.trim().split('\n')[0] ?? '';
  if (line.length <= 60) return line || 'New chat';
  const cut = line.slice(0, 60);
  const space = cut.lastIndexOf(' ');
  return `${space > 30 ? cut.slice(0, space) : cut}…`;
}
