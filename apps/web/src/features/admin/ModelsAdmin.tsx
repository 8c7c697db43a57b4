import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { describeProblem } from '../../lib/problems';
import { queryClient } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { DataTable } from '../../ui/DataTable';
import { Dialog } from '../../ui/Dialog';
import { TextField } from '../../ui/Field';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { useToast } from '../../ui/Toast';
import { adminApi } from './admin-api';
import { type AdminModel, type AdminModelRoute, changedRouteFields, type RouteInput } from './admin-types';

const modelsKey = ['admin', 'models'];
const refresh = () => queryClient.invalidateQueries({ queryKey: modelsKey });

function RouteForm({
  route,
  busy,
  onSubmit,
}: {
  route: AdminModelRoute;
  busy: boolean;
  onSubmit: (edited: Pick<AdminModelRoute, 'order' | 'weight' | 'enabled'>) => void;
}) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    onSubmit({ order: Number(form.get('order')), weight: Number(form.get('weight')), enabled: form.has('enabled') });
  };
  return (
    <form className="form-grid" onSubmit={submit}>
      <TextField
        label="Order"
        name="order"
        type="number"
        min={0}
        max={1000}
        defaultValue={route.order}
        hint="Lower runs first."
        required
      />
      <TextField
        label="Weight"
        name="weight"
        type="number"
        min={1}
        max={1000}
        defaultValue={route.weight}
        hint="Routes of equal order share traffic by weight."
        required
      />
      <label className="checkbox span-all">
        <input type="checkbox" name="enabled" defaultChecked={route.enabled} /> Route enabled
      </label>
      <div className="dialog-actions span-all">
        <Button type="submit" variant="primary" busy={busy}>
          Save route
        </Button>
      </div>
    </form>
  );
}

/** The model catalog: switch models on and off, and tune their routes. Gateways follow within seconds. */
export function ModelsAdmin() {
  const toast = useToast();
  const models = useQuery({ queryKey: modelsKey, queryFn: adminApi.models });
  const [disabling, setDisabling] = useState<AdminModel | null>(null);
  const [editing, setEditing] = useState<{ model: AdminModel; route: AdminModelRoute } | null>(null);
  const toggle = useMutation({
    mutationFn: ({ model, enabled }: { model: AdminModel; enabled: boolean }) =>
      adminApi.setModelEnabled(model.id, enabled),
    onSuccess: (_, { model, enabled }) => {
      toast(`${model.displayName} ${enabled ? 'enabled' : 'disabled'}: gateways apply it within seconds`);
      setDisabling(null);
      return refresh();
    },
  });
  const saveRoute = useMutation({
    mutationFn: ({ routeId, changes }: { routeId: string; changes: RouteInput }) =>
      adminApi.updateModelRoute(routeId, changes),
    onSuccess: () => {
      toast('Route saved: gateways apply it within seconds');
      setEditing(null);
      return refresh();
    },
  });

  if (models.isPending) return <Loading />;
  if (models.error) return <ProblemNotice problem={describeProblem(models.error)} />;
  return (
    <div>
      {toggle.error && !disabling && <ProblemNotice problem={describeProblem(toggle.error)} />}
      <DataTable
        caption="Models"
        columns={['Model', 'Kind', 'Tier', 'Status', 'Routes (order · weight)']}
        actions="Actions"
      >
        {models.data.map((model) => (
          <tr key={model.id} data-testid={`model-${model.id}`}>
            <td>
              {model.displayName}
              <br />
              <code className="muted">{model.id}</code>
            </td>
            <td>{model.kind}</td>
            <td>{model.tier}</td>
            <td>
              <span className={`badge ${model.enabled ? 'badge-ok' : 'badge-muted'}`}>
                {model.enabled ? 'enabled' : 'disabled'}
              </span>
            </td>
            <td>
              {model.routes.map((route) => (
                <div key={route.id}>
                  <code>
                    {route.provider}/{route.upstreamModel}
                  </code>{' '}
                  · {route.order} · {route.weight}
                  {!route.enabled && <span className="badge badge-muted">off</span>}{' '}
                  <Button
                    small
                    variant="ghost"
                    onClick={() => {
                      saveRoute.reset();
                      setEditing({ model, route });
                    }}
                    aria-label={`Edit route ${route.provider}/${route.upstreamModel} of ${model.id}`}
                  >
                    Edit
                  </Button>
                </div>
              ))}
            </td>
            <td className="row-actions">
              {model.enabled ? (
                <Button
                  small
                  variant="danger"
                  onClick={() => {
                    toggle.reset();
                    setDisabling(model);
                  }}
                  aria-label={`Disable ${model.id}`}
                >
                  Disable
                </Button>
              ) : (
                <Button
                  small
                  busy={toggle.isPending && toggle.variables?.model.id === model.id}
                  onClick={() => toggle.mutate({ model, enabled: true })}
                  aria-label={`Enable ${model.id}`}
                >
                  Enable
                </Button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      <Dialog
        open={disabling !== null}
        title={`Disable ${disabling?.displayName ?? ''}?`}
        onClose={() => setDisabling(null)}
      >
        <p>
          No plan can use <code>{disabling?.id}</code> once it is off: gateways stop listing and serving it within
          seconds. You can enable it again at any time.
        </p>
        {toggle.error && <ProblemNotice problem={describeProblem(toggle.error)} />}
        <div className="dialog-actions">
          <Button onClick={() => setDisabling(null)}>Cancel</Button>
          <Button
            variant="danger"
            busy={toggle.isPending}
            onClick={() => disabling && toggle.mutate({ model: disabling, enabled: false })}
          >
            Disable model
          </Button>
        </div>
      </Dialog>
      <Dialog
        open={editing !== null}
        title={
          editing ? `Route ${editing.route.provider}/${editing.route.upstreamModel} of ${editing.model.id}` : 'Route'
        }
        onClose={() => setEditing(null)}
      >
        {saveRoute.error && <ProblemNotice problem={describeProblem(saveRoute.error)} />}
        {editing && (
          <RouteForm
            key={editing.route.id}
            route={editing.route}
            busy={saveRoute.isPending}
            onSubmit={(edited) => {
              const changes = changedRouteFields(editing.route, edited);
              if (Object.keys(changes).length === 0) setEditing(null);
              else saveRoute.mutate({ routeId: editing.route.id, changes });
            }}
          />
        )}
      </Dialog>
    </div>
  );
}
