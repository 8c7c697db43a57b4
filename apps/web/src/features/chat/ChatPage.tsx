import { useQuery } from '@tanstack/react-query';
import { type FormEvent, type KeyboardEvent, useEffect, useReducer, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { gateway } from '../../lib/gateway';
import { gatewayKeys, useModels } from '../../lib/gateway-queries';
import { describeProblem } from '../../lib/problems';
import { queryClient, trpc, trpcClient } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { Markdown } from '../../ui/Markdown';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { ConversationList } from './ConversationList';
import {
  type ChatTurn,
  chatReducer,
  emptyChat,
  isStreaming,
  promptFor,
  threadFromHistory,
  titleFrom,
} from './chat-state';
import { ModelPicker } from './ModelPicker';

const newId = () => crypto.randomUUID();

function Turn({ turn }: { turn: ChatTurn }) {
  return (
    <li className={`turn turn-${turn.role}`} data-status={turn.status}>
      <span className="turn-role">{turn.role === 'user' ? 'You' : (turn.model ?? 'Assistant')}</span>
      {turn.role === 'user' ? <p className="turn-text">{turn.content}</p> : <Markdown source={turn.content} />}
      {turn.status === 'streaming' && !turn.content && <span className="typing" role="status" aria-label="Writing" />}
      {turn.status === 'stopped' && <small className="muted">Stopped</small>}
    </li>
  );
}

export default function ChatPage() {
  const { conversationId = null } = useParams();
  const navigate = useNavigate();
  const [state, dispatch] = useReducer(chatReducer, emptyChat);
  const [draft, setDraft] = useState('');
  const [chosenModel, setChosenModel] = useState('');
  const abort = useRef<AbortController | null>(null);
  const models = useModels('chat');
  const streaming = isStreaming(state);

  /** The conversation the thread belongs to, known as soon as it is created (before state catches up). */
  const currentId = useRef<string | null>(null);
  /** Saves run one after another, so a quick second question never creates a second conversation. */
  const saving = useRef<Promise<void>>(Promise.resolve());

  const saved = useQuery({
    ...trpc.conversations.get.queryOptions({ id: conversationId ?? '' }),
    enabled: conversationId !== null && conversationId !== state.conversationId && conversationId !== currentId.current,
  });

  // Follow the route: a new chat, or a saved conversation once loaded. A conversation this page just
  // created already has its thread here, so it is adopted rather than reloaded.
  useEffect(() => {
    if (conversationId === state.conversationId) return;
    if (conversationId !== null && conversationId === currentId.current) {
      dispatch({ type: 'saved', conversationId });
    } else if (conversationId === null) {
      abort.current?.abort();
      currentId.current = null;
      dispatch({ type: 'load', conversationId: null, turns: [] });
    } else if (saved.data) {
      abort.current?.abort();
      currentId.current = conversationId;
      dispatch({ type: 'load', conversationId, turns: threadFromHistory(saved.data.messages) });
      if (saved.data.model) setChosenModel(saved.data.model);
    }
  }, [conversationId, saved.data, state.conversationId]);

  /** False once the user has left the page: an answer still being saved must not pull them back. */
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      abort.current?.abort();
    };
  }, []);

  const model = chosenModel || models.data?.[0]?.id || '';

  /** Saves the turns not yet saved: the first ones create the conversation, later ones are appended. */
  const save = (turns: ChatTurn[]) => {
    const messages = turns
      .filter((turn) => turn.content)
      .map((turn) => ({ role: turn.role, content: turn.content, ...(turn.model ? { model: turn.model } : {}) }));
    if (!messages.length) return saving.current;
    saving.current = saving.current.then(async () => {
      try {
        const id = currentId.current;
        if (id) {
          await trpcClient.conversations.append.mutate({ id, messages });
        } else {
          const first = messages.find((message) => message.role === 'user')?.content ?? messages[0]?.content ?? '';
          const created = await trpcClient.conversations.create.mutate({ title: titleFrom(first), model, messages });
          currentId.current = created.id;
          // Only if the user is still on the new chat: navigating elsewhere changes the URL before this page unmounts.
          if (mounted.current && window.location.pathname === '/chat')
            navigate(`/chat/${created.id}`, { replace: true });
        }
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.pathKey() });
      } catch (error) {
        dispatch({ type: 'problem', problem: { ...describeProblem(error), title: 'The conversation was not saved' } });
      }
    });
    return saving.current;
  };

  /**
   * Streams an answer to `thread` into `assistant`, then saves the question (if new) and whatever
   * arrived, also after Stop; a failed answer saves only the question.
   */
  const answer = async (thread: ChatTurn[], assistant: ChatTurn, question: ChatTurn | null) => {
    const controller = new AbortController();
    abort.current = controller;
    let content = '';
    try {
      const stream = await gateway.chat.completions.create(
        { model: assistant.model ?? model, messages: promptFor(thread), stream: true },
        { signal: controller.signal },
      );
      for await (const chunk of stream) {
        const text = chunk.choices[0]?.delta.content ?? '';
        if (!text) continue;
        content += text;
        dispatch({ type: 'delta', id: assistant.id, text });
      }
      dispatch({ type: 'finish', id: assistant.id, stopped: controller.signal.aborted });
    } catch (error) {
      const problem = describeProblem(error);
      if (problem.kind === 'aborted') dispatch({ type: 'finish', id: assistant.id, stopped: true });
      else dispatch({ type: 'fail', id: assistant.id, problem });
    } finally {
      if (abort.current === controller) abort.current = null;
      void queryClient.invalidateQueries({ queryKey: gatewayKeys.usage });
    }
    await save([...(question ? [question] : []), { ...assistant, content }]);
  };

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    const question = draft.trim();
    if (!question || streaming || !model) return;
    const user: ChatTurn = { id: newId(), role: 'user', content: question, status: 'done' };
    const assistant: ChatTurn = { id: newId(), role: 'assistant', content: '', model, status: 'streaming' };
    dispatch({ type: 'ask', user, assistant });
    setDraft('');
    void answer([...state.turns, user], assistant, user);
  };

  const regenerate = () => {
    const last = state.turns[state.turns.length - 1];
    if (streaming || !last) return;
    const thread = last.role === 'assistant' ? state.turns.slice(0, -1) : state.turns;
    const assistant: ChatTurn = { id: newId(), role: 'assistant', content: '', model, status: 'streaming' };
    dispatch({ type: 'regenerate', assistant });
    void answer(thread, assistant, null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) send(event);
  };

  const problem = state.problem;
  return (
    <div className="chat">
      <ConversationList activeId={state.conversationId} />
      <section className="chat-main" aria-label="Chat">
        <div className="chat-toolbar">
          {models.data && <ModelPicker kind="chat" models={models.data} value={model} onChange={setChosenModel} />}
          {models.error && <ProblemNotice problem={describeProblem(models.error)} />}
        </div>
        {conversationId && saved.isPending && conversationId !== state.conversationId && <Loading />}
        {saved.error && <ProblemNotice problem={describeProblem(saved.error)} />}
        <ol className="thread" aria-live="polite" aria-busy={streaming}>
          {state.turns.map((turn) => (
            <Turn key={turn.id} turn={turn} />
          ))}
        </ol>
        {state.turns.length === 0 && !saved.isFetching && (
          <p className="muted empty-chat">Ask anything to start a conversation.</p>
        )}
        {problem && (
          <ProblemNotice problem={problem}>
            {(problem.kind === 'quota' || problem.kind === 'locked') && (
              <p>
                <Link to="/billing">See plans and upgrade</Link> · <Link to="/usage">Your usage</Link>
              </p>
            )}
          </ProblemNotice>
        )}
        <form className="composer" onSubmit={send}>
          <label htmlFor="composer-input" className="visually-hidden">
            Message
          </label>
          <textarea
            id="composer-input"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={onKeyDown}
            placeholder="Message Synthwell (Enter to send, Shift+Enter for a new line)"
            rows={3}
          />
          <div className="composer-actions">
            {models.isPending && (
              <span className="muted" role="status">
                Loading models…
              </span>
            )}
            {streaming ? (
              <Button variant="danger" onClick={() => abort.current?.abort()}>
                Stop
              </Button>
            ) : (
              <>
                {state.turns.length > 0 && <Button onClick={regenerate}>Regenerate</Button>}
                <Button type="submit" variant="primary" disabled={!draft.trim() || !model}>
                  Send
                </Button>
              </>
            )}
          </div>
        </form>
      </section>
    </div>
  );
}
