import { useMutation, useQuery } from '@tanstack/react-query';
import type { inferOutput } from '@trpc/tanstack-react-query';
import { type FormEvent, useState } from 'react';
import { formatDateTime } from '../../lib/format';
import { describeProblem } from '../../lib/problems';
import { queryClient, trpc } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { CopyButton } from '../../ui/CopyButton';
import { DataTable } from '../../ui/DataTable';
import { Dialog } from '../../ui/Dialog';
import { TextField } from '../../ui/Field';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { useToast } from '../../ui/Toast';

type ApiKey = inferOutput<typeof trpc.keys.list>[number];

const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey() });

export default function KeysPage() {
  const toast = useToast();
  const keys = useQuery(trpc.keys.list.queryOptions());
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const create = useMutation({ ...trpc.keys.create.mutationOptions(), onSuccess: refresh });
  const revoke = useMutation({ ...trpc.keys.revoke.mutationOptions(), onSuccess: refresh });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    create.mutate({ name: String(new FormData(form).get('name') ?? '') }, { onSuccess: () => form.reset() });
  };

  const createProblem = create.error ? describeProblem(create.error) : null;
  return (
    <section>
      <h1>API keys</h1>
      <p className="muted">
        Use keys with the SDK or any OpenAI-compatible client (<code>Authorization: Bearer sk-sw-…</code>). Keys act
        with your plan's limits.
      </p>
      <form className="panel inline-form" onSubmit={submit}>
        <TextField
          label="New key name"
          name="name"
          required
          maxLength={64}
          placeholder="laptop"
          error={createProblem?.fieldErrors?.name?.[0]}
        />
        <Button type="submit" variant="primary" busy={create.isPending}>
          Create key
        </Button>
      </form>
      {createProblem && !createProblem.fieldErrors && <ProblemNotice problem={createProblem} />}

      <Dialog open={create.data !== undefined} title="Your new API key" onClose={() => create.reset()}>
        <p>
          <strong>Copy it now: it is shown only once.</strong> Synthwell stores only a hash of it.
        </p>
        <div className="secret">
          <code data-testid="new-key">{create.data?.key}</code>
          <CopyButton text={create.data?.key ?? ''} label="Copy key" />
        </div>
        <div className="dialog-actions">
          <Button variant="primary" onClick={() => create.reset()}>
            I have copied it
          </Button>
        </div>
      </Dialog>

      {keys.isPending && <Loading />}
      {keys.error && <ProblemNotice problem={describeProblem(keys.error)} />}
      {keys.data && (
        <DataTable
          caption="Your API keys"
          columns={['Name', 'Key', 'Created', 'Last used', 'Status']}
          actions="Actions"
        >
          {keys.data.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No keys yet.
              </td>
            </tr>
          )}
          {keys.data.map((key) => (
            <tr key={key.id} data-testid={`key-${key.name}`}>
              <td>{key.name}</td>
              <td>
                <code>{key.prefix}…</code>
              </td>
              <td>{formatDateTime(key.createdAt)}</td>
              <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never'}</td>
              <td>
                {key.revokedAt ? (
                  <span className="badge badge-muted">Revoked</span>
                ) : (
                  <span className="badge badge-ok">Active</span>
                )}
              </td>
              <td>
                {!key.revokedAt && (
                  <Button small variant="danger" onClick={() => setRevoking(key)} aria-label={`Revoke ${key.name}`}>
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}

      <Dialog open={revoking !== null} title="Revoke this key?" onClose={() => setRevoking(null)}>
        <p>
          Anything using “{revoking?.name}” (<code>{revoking?.prefix}…</code>) stops working within seconds. This cannot
          be undone.
        </p>
        {revoke.error && <ProblemNotice problem={describeProblem(revoke.error)} />}
        <div className="dialog-actions">
          <Button onClick={() => setRevoking(null)}>Cancel</Button>
          <Button
            variant="danger"
            busy={revoke.isPending}
            onClick={() =>
              revoking &&
              revoke.mutate(
                { id: revoking.id },
                {
                  onSuccess: () => {
                    toast(`Key “${revoking.name}” revoked`);
                    setRevoking(null);
                  },
                },
              )
            }
          >
            Revoke key
          </Button>
        </div>
      </Dialog>
    </section>
  );
}
