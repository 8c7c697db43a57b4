import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { formatMoney, formatNumber } from '../../lib/format';
import { describeProblem } from '../../lib/problems';
import { queryClient } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { DataTable } from '../../ui/DataTable';
import { Dialog } from '../../ui/Dialog';
import { SelectField, TextField } from '../../ui/Field';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { useToast } from '../../ui/Toast';
import { adminApi } from './admin-api';
import { type AdminPlan, changedFields, LIMIT_FIELDS, type PlanInput } from './admin-types';

const plansKey = ['admin', 'plans'];

function readPlanForm(form: FormData): PlanInput {
  const number = (name: string) => Number(form.get(name));
  const limits = Object.fromEntries(LIMIT_FIELDS.map(([key]) => [key, number(key)]));
  const description = String(form.get('description') ?? '').trim();
  return {
    name: String(form.get('name') ?? '').trim(),
    slug: String(form.get('slug') ?? '').trim(),
    description: description || null,
    priceCents: Math.round(number('price') * 100),
    currency: String(form.get('currency') ?? 'usd'),
    interval: form.get('interval') === 'year' ? 'year' : 'month',
    modelTiers: form.getAll('modelTiers').map(String) as AdminPlan['modelTiers'],
    ...limits,
  };
}

function PlanForm({
  plan,
  busy,
  onSubmit,
}: {
  plan: AdminPlan | null;
  busy: boolean;
  onSubmit: (input: PlanInput) => void;
}) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSubmit(readPlanForm(new FormData(event.currentTarget)));
  };
  return (
    <form className="form-grid" onSubmit={submit}>
      <TextField label="Name" name="name" defaultValue={plan?.name} required />
      <TextField label="Slug" name="slug" defaultValue={plan?.slug} required pattern="[a-z0-9][a-z0-9-]{0,39}" />
      <TextField label="Description" name="description" defaultValue={plan?.description ?? ''} className="span-all" />
      <TextField
        label="Price"
        name="price"
        type="number"
        min={0}
        step={0.01}
        defaultValue={(plan?.priceCents ?? 0) / 100}
        required
      />
      <TextField label="Currency" name="currency" defaultValue={plan?.currency ?? 'usd'} required />
      <SelectField label="Billed every" name="interval" defaultValue={plan?.interval ?? 'month'}>
        <option value="month">month</option>
        <option value="year">year</option>
      </SelectField>
      {LIMIT_FIELDS.map(([key, label]) => (
        <TextField key={key} label={label} name={key} type="number" min={0} defaultValue={plan?.[key] ?? 0} required />
      ))}
      <fieldset className="span-all">
        <legend>Model access</legend>
        {(['standard', 'premium'] as const).map((tier) => (
          <label key={tier} className="checkbox">
            <input
              type="checkbox"
              name="modelTiers"
              value={tier}
              defaultChecked={plan ? plan.modelTiers.includes(tier) : tier === 'standard'}
            />{' '}
            {tier} models
          </label>
        ))}
      </fieldset>
      <div className="dialog-actions span-all">
        <Button type="submit" variant="primary" busy={busy}>
          {plan ? 'Save changes' : 'Create plan'}
        </Button>
      </div>
    </form>
  );
}

export function PlansAdmin() {
  const toast = useToast();
  const plans = useQuery({ queryKey: plansKey, queryFn: adminApi.plans });
  const [editing, setEditing] = useState<AdminPlan | 'new' | null>(null);
  const [archiving, setArchiving] = useState<AdminPlan | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: plansKey });
  const save = useMutation({
    mutationFn: ({ plan, input }: { plan: AdminPlan | null; input: PlanInput }) =>
      plan ? adminApi.updatePlan(plan.id, changedFields(plan, input)) : adminApi.createPlan(input),
    onSuccess: (_, { plan }) => {
      toast(plan ? `${plan.name} saved: the gateway applies it within seconds` : 'Plan created');
      setEditing(null);
      void refresh();
    },
  });
  const archive = useMutation({
    mutationFn: adminApi.archivePlan,
    onSuccess: () => {
      toast(`${archiving?.name ?? 'The plan'} archived`);
      setArchiving(null);
      void refresh();
    },
  });

  if (plans.isPending) return <Loading />;
  if (plans.error) return <ProblemNotice problem={describeProblem(plans.error)} />;
  const plan = editing === 'new' ? null : editing;
  return (
    <div>
      <Button variant="primary" onClick={() => setEditing('new')}>
        New plan
      </Button>
      <DataTable
        caption="Plans"
        columns={['Plan', 'Price', 'Models', 'Chat / day', 'Images / day', 'Records / day', 'RPM', 'Subscribers']}
        actions="Actions"
      >
        {plans.data.map((entry) => (
          <tr key={entry.id} data-testid={`plan-${entry.slug}`}>
            <td>
              {entry.name} {entry.isDefault && <span className="badge">default</span>}
              {entry.archivedAt && <span className="badge badge-muted">archived</span>}
            </td>
            <td>{formatMoney(entry.priceCents, entry.currency)}</td>
            <td>{entry.modelTiers.join(', ')}</td>
            <td>{formatNumber(entry.chatRequestsPerDay)}</td>
            <td>{formatNumber(entry.imagesPerDay)}</td>
            <td>{formatNumber(entry.syntheticRecordsPerDay)}</td>
            <td>{formatNumber(entry.requestsPerMinute)}</td>
            <td>{entry.activeSubscribers}</td>
            <td className="row-actions">
              <Button small onClick={() => setEditing(entry)} aria-label={`Edit ${entry.name}`}>
                Edit
              </Button>
              {!entry.archivedAt && !entry.isDefault && (
                <Button small variant="danger" onClick={() => setArchiving(entry)} aria-label={`Archive ${entry.name}`}>
                  Archive
                </Button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      <Dialog open={editing !== null} title={plan ? `Edit ${plan.name}` : 'New plan'} onClose={() => setEditing(null)}>
        {save.error && <ProblemNotice problem={describeProblem(save.error)} />}
        <PlanForm
          key={plan?.id ?? 'new'}
          plan={plan}
          busy={save.isPending}
          onSubmit={(input) => save.mutate({ plan, input })}
        />
      </Dialog>
      <Dialog
        open={archiving !== null}
        title={`Archive ${archiving?.name ?? ''}?`}
        onClose={() => {
          archive.reset();
          setArchiving(null);
        }}
      >
        <p>
          Nobody can choose “{archiving?.name}” any more. Its {archiving?.activeSubscribers ?? 0} subscriber
          {archiving?.activeSubscribers === 1 ? '' : 's'} keep it until their subscription changes or ends. Archiving
          cannot be undone.
        </p>
        {archive.error && <ProblemNotice problem={describeProblem(archive.error)} />}
        <div className="dialog-actions">
          <Button onClick={() => setArchiving(null)}>Cancel</Button>
          <Button variant="danger" busy={archive.isPending} onClick={() => archiving && archive.mutate(archiving.id)}>
            Archive plan
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
