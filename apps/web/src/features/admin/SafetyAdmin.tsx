import type { SafetyAction, SafetyCategory, SafetyFlagListParams, SafetyPolicyList } from '@synthwell/sdk';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { formatDateTime } from '../../lib/format';
import { gateway } from '../../lib/gateway';
import { describeProblem } from '../../lib/problems';
import { queryClient } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { DataTable } from '../../ui/DataTable';
import { SelectField } from '../../ui/Field';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { useToast } from '../../ui/Toast';
import {
  ACTION_LABELS,
  ACTIONS,
  CATEGORY_LABELS,
  type PolicyEdits,
  pendingChanges,
  SINCE_OPTIONS,
  type SinceOption,
  sinceSeconds,
} from './safety-policy';

const policiesKey = ['admin', 'safety', 'policies'];
const flagsKey = ['admin', 'safety', 'flags'];
const PAGE_SIZE = 25;

/** The content policy of every plan, and the decisions it flagged (no text is ever stored). */
export function SafetyAdmin() {
  const policies = useQuery({
    queryKey: policiesKey,
    queryFn: ({ signal }) => gateway.safety.policies.list({ signal }),
  });
  if (policies.isPending) return <Loading />;
  if (policies.error) return <ProblemNotice problem={describeProblem(policies.error)} />;
  return (
    <div>
      <PolicyTable list={policies.data} />
      <FlagList plans={policies.data.data.map((entry) => entry.plan)} />
    </div>
  );
}

function PolicyTable({ list }: { list: SafetyPolicyList }) {
  const toast = useToast();
  const [edits, setEdits] = useState<PolicyEdits>({});
  const changes = pendingChanges(list, edits);
  const save = useMutation({
    mutationFn: async () => {
      for (const { plan, change } of changes) await gateway.safety.policies.update(plan, change);
    },
    onSuccess: async () => {
      toast('Safety policy saved: every gateway applies it within seconds');
      setEdits({});
      await queryClient.invalidateQueries({ queryKey: policiesKey });
    },
  });
  const categories = Object.keys(list.data[0]?.policy ?? {}) as SafetyCategory[];
  const choose = (plan: string, category: SafetyCategory, action: SafetyAction) =>
    setEdits((current) => ({ ...current, [plan]: { ...current[plan], [category]: action } }));

  return (
    <section aria-labelledby="safety-policy-heading">
      <h2 id="safety-policy-heading">Content policy</h2>
      <p className="muted">
        What the gateway does when a category is detected, per plan: <strong>allow</strong> lets it through,{' '}
        <strong>flag</strong> lets it through and lists it below, <strong>redact</strong> replaces the matched text with
        [REDACTED], <strong>block</strong> refuses the request. <code>default</code> applies to every plan that does not
        set a category itself. Changes reach every gateway within seconds, without a restart.
      </p>
      {save.error && <ProblemNotice problem={describeProblem(save.error)} />}
      <DataTable
        caption="Action per category and plan"
        columns={['Category', ...list.data.map((entry) => entry.plan)]}
        testId="safety-policy"
      >
        {categories.map((category) => {
          const fixed = list.fixed[category];
          const noteId = `safety-fixed-${category.replace(/\W/g, '-')}`;
          return (
            <tr key={category}>
              <th scope="row">
                <div>{CATEGORY_LABELS[category]}</div>
                <code className="muted">{category}</code>
                {fixed && (
                  <div id={noteId} className="muted">
                    Always {fixed}: no plan or admin can change it.
                  </div>
                )}
              </th>
              {list.data.map((entry) => {
                const value = edits[entry.plan]?.[category] ?? entry.policy[category];
                const own = entry.overrides[category] !== undefined;
                return (
                  <td key={entry.plan} data-overridden={own || undefined}>
                    <select
                      aria-label={`${category} on ${entry.plan}`}
                      aria-describedby={fixed ? noteId : undefined}
                      value={value}
                      disabled={fixed !== undefined || save.isPending}
                      // Wide enough to read on a phone; the table scrolls inside its frame instead.
                      style={{ minWidth: '7rem' }}
                      onChange={(event) => choose(entry.plan, category, event.target.value as SafetyAction)}
                    >
                      {ACTIONS.map((action) => (
                        <option key={action} value={action}>
                          {ACTION_LABELS[action]}
                        </option>
                      ))}
                    </select>
                    {own && entry.plan !== 'default' && <small className="muted">set for {entry.plan}</small>}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </DataTable>
      <div className="actions">
        <Button variant="primary" busy={save.isPending} disabled={changes.length === 0} onClick={() => save.mutate()}>
          Save policy
        </Button>
        <Button disabled={Object.keys(edits).length === 0 || save.isPending} onClick={() => setEdits({})}>
          Discard changes
        </Button>
        <span className="muted" aria-live="polite">
          {changes.length === 0
            ? 'No unsaved changes.'
            : `Unsaved changes for ${changes.map((entry) => entry.plan).join(', ')}.`}
        </span>
      </div>
    </section>
  );
}

interface FlagFilters {
  category: SafetyCategory | '';
  action: SafetyAction | '';
  plan: string;
  since: SinceOption;
}

function FlagList({ plans }: { plans: string[] }) {
  const [filters, setFilters] = useState<FlagFilters>({ category: '', action: '', plan: '', since: 'all' });
  /** Cursors of the pages before the current one; the last is the current page's. */
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const flags = useQuery({
    queryKey: [...flagsKey, filters, cursor],
    queryFn: ({ signal }) => {
      const since = sinceSeconds(filters.since);
      const params: SafetyFlagListParams = {
        limit: PAGE_SIZE,
        ...(filters.category ? { category: filters.category } : {}),
        ...(filters.action ? { action: filters.action } : {}),
        ...(filters.plan ? { plan: filters.plan } : {}),
        ...(since === undefined ? {} : { since }),
        ...(cursor ? { cursor } : {}),
      };
      return gateway.safety.flags.list(params, { signal });
    },
    placeholderData: keepPreviousData,
  });
  const filter = <K extends keyof FlagFilters>(key: K, value: FlagFilters[K]) => {
    setFilters((current) => ({ ...current, [key]: value }));
    setCursors([]);
  };

  return (
    <section aria-labelledby="safety-flags-heading">
      <h2 id="safety-flags-heading">Flagged decisions</h2>
      <p className="muted">
        Every flag, redaction and block, newest first: which request, plan, category and action. The text itself is
        never stored.
      </p>
      <form className="inline-form" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          label="Category"
          value={filters.category}
          onChange={(event) => filter('category', event.target.value as FlagFilters['category'])}
        >
          <option value="">All categories</option>
          {(Object.keys(CATEGORY_LABELS) as SafetyCategory[]).map((category) => (
            <option key={category} value={category}>
              {category}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Action"
          value={filters.action}
          onChange={(event) => filter('action', event.target.value as FlagFilters['action'])}
        >
          <option value="">All actions</option>
          {ACTIONS.filter((action) => action !== 'allow').map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </SelectField>
        <SelectField label="Plan" value={filters.plan} onChange={(event) => filter('plan', event.target.value)}>
          <option value="">All plans</option>
          {plans
            .filter((plan) => plan !== 'default')
            .map((plan) => (
              <option key={plan} value={plan}>
                {plan}
              </option>
            ))}
        </SelectField>
        <SelectField
          label="When"
          value={filters.since}
          onChange={(event) => filter('since', event.target.value as SinceOption)}
        >
          {SINCE_OPTIONS.map((option) => (
            <option key={option.id} value={option.id}>
              {option.label}
            </option>
          ))}
        </SelectField>
        <Button
          busy={flags.isFetching}
          onClick={() => void queryClient.invalidateQueries({ queryKey: flagsKey })}
          aria-label="Refresh flagged decisions"
        >
          Refresh
        </Button>
      </form>
      {flags.error && <ProblemNotice problem={describeProblem(flags.error)} />}
      {flags.isPending && <Loading />}
      {flags.data && (
        <>
          <DataTable
            caption="Flagged decisions"
            columns={['When', 'Plan', 'Where', 'Category', 'Action', 'Score', 'Model', 'Request', 'User']}
            testId="safety-flags"
          >
            {flags.data.data.map((item) => (
              <tr key={item.id} data-request-id={item.request_id}>
                <td>{formatDateTime(new Date(item.created_at * 1000).toISOString())}</td>
                <td>{item.plan}</td>
                <td>{item.surface.replace('_', ' ')}</td>
                <td>
                  <code>{item.category}</code>
                </td>
                <td>
                  <span className={`badge${item.action === 'block' ? ' badge-bad' : ''}`}>{item.action}</span>
                </td>
                <td>{item.score.toFixed(2)}</td>
                <td>{item.model ?? '—'}</td>
                <td>
                  <code>{item.request_id}</code>
                </td>
                <td>
                  <code>{item.user_id}</code>
                </td>
              </tr>
            ))}
          </DataTable>
          {flags.data.data.length === 0 && <p className="muted">Nothing flagged with these filters.</p>}
          <nav className="actions" aria-label="Flagged decisions pages">
            <Button disabled={cursors.length === 0} onClick={() => setCursors((current) => current.slice(0, -1))}>
              Newer
            </Button>
            <Button
              disabled={!flags.data.has_more}
              onClick={() => {
                const next = flags.data.next_cursor;
                if (next) setCursors((current) => [...current, next]);
              }}
            >
              Older
            </Button>
          </nav>
        </>
      )}
    </section>
  );
}
