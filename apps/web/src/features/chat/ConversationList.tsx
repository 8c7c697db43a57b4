import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { NavLink, useNavigate } from 'react-router';
import { describeProblem } from '../../lib/problems';
import { queryClient, trpc } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { TextField } from '../../ui/Field';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { useToast } from '../../ui/Toast';

interface Summary {
  id: string;
  title: string;
}

const refreshList = () => queryClient.invalidateQueries({ queryKey: trpc.conversations.list.pathKey() });

/** The user's saved conversations, newest first, with search, rename and delete. */
export function ConversationList({ activeId }: { activeId: string | null }) {
  const [search, setSearch] = useState('');
  const [renaming, setRenaming] = useState<Summary | null>(null);
  const [deleting, setDeleting] = useState<Summary | null>(null);
  const navigate = useNavigate();
  const toast = useToast();
  const list = useQuery(trpc.conversations.list.queryOptions({ limit: 100 }));
  const rename = useMutation({ ...trpc.conversations.rename.mutationOptions(), onSuccess: refreshList });
  const remove = useMutation({ ...trpc.conversations.delete.mutationOptions(), onSuccess: refreshList });

  const needle = search.trim().toLowerCase();
  const items = (list.data?.items ?? []).filter((item) => item.title.toLowerCase().includes(needle));

  const submitRename = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!renaming) return;
    const title = String(new FormData(event.currentTarget).get('title') ?? '');
    rename.mutate({ id: renaming.id, title }, { onSuccess: () => setRenaming(null) });
  };

  return (
    <aside className="chat-sidebar" aria-label="Conversations">
      <Button variant="primary" onClick={() => navigate('/chat')}>
        New chat
      </Button>
      <TextField
        label="Search conversations"
        type="search"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      {list.isPending && <Loading />}
      {list.error && <ProblemNotice problem={describeProblem(list.error)} />}
      <ul className="conversation-list">
        {items.map((item) => (
          <li key={item.id} className={item.id === activeId ? 'active' : undefined}>
            <NavLink to={`/chat/${item.id}`}>{item.title}</NavLink>
            <span className="row-actions">
              <button
                type="button"
                className="btn btn-ghost btn-small"
                onClick={() => setRenaming(item)}
                aria-label={`Rename ${item.title}`}
              >
                ✎
              </button>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                onClick={() => setDeleting(item)}
                aria-label={`Delete ${item.title}`}
              >
                ×
              </button>
            </span>
          </li>
        ))}
        {list.data && items.length === 0 && (
          <li className="muted">{needle ? 'No conversation matches.' : 'No conversations yet.'}</li>
        )}
      </ul>

      <Dialog open={renaming !== null} title="Rename conversation" onClose={() => setRenaming(null)}>
        <form onSubmit={submitRename}>
          {rename.error && <ProblemNotice problem={describeProblem(rename.error)} />}
          <TextField label="Title" name="title" defaultValue={renaming?.title} required maxLength={200} />
          <div className="dialog-actions">
            <Button onClick={() => setRenaming(null)}>Cancel</Button>
            <Button type="submit" variant="primary" busy={rename.isPending}>
              Rename
            </Button>
          </div>
        </form>
      </Dialog>

      <Dialog open={deleting !== null} title="Delete conversation?" onClose={() => setDeleting(null)}>
        <p>“{deleting?.title}” and all its messages will be deleted. This cannot be undone.</p>
        <div className="dialog-actions">
          <Button onClick={() => setDeleting(null)}>Cancel</Button>
          <Button
            variant="danger"
            busy={remove.isPending}
            onClick={() => {
              if (!deleting) return;
              remove.mutate(
                { id: deleting.id },
                {
                  onSuccess: () => {
                    toast('Conversation deleted');
                    if (deleting.id === activeId) navigate('/chat');
                    setDeleting(null);
                  },
                },
              );
            }}
          >
            Delete
          </Button>
        </div>
      </Dialog>
    </aside>
  );
}
