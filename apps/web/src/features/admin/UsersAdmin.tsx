import { useMutation, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { formatDate } from '../../lib/format';
import { describeProblem } from '../../lib/problems';
import { queryClient } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { DataTable } from '../../ui/DataTable';
import { TextField } from '../../ui/Field';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { useToast } from '../../ui/Toast';
import { adminApi } from './admin-api';

export function UsersAdmin() {
  const toast = useToast();
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search.trim());
  const users = useQuery({ queryKey: ['admin', 'users', deferred], queryFn: () => adminApi.users(deferred) });
  const plans = useQuery({ queryKey: ['admin', 'plans'], queryFn: adminApi.plans });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin', 'users'] });
  const setRole = useMutation({
    mutationFn: ({ id, role }: { id: string; role: 'user' | 'admin' }) => adminApi.setRole(id, role),
    onSuccess: () => {
      toast('Role changed');
      void refresh();
    },
  });
  const comp = useMutation({
    mutationFn: ({ id, planId }: { id: string; planId: string | null }) => adminApi.comp(id, planId),
    onSuccess: () => {
      toast('Plan granted');
      void refresh();
    },
  });

  const problem = [users.error, setRole.error, comp.error].find(Boolean);
  return (
    <div>
      <TextField
        label="Search users"
        type="search"
        placeholder="Email, name or id"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      {problem && <ProblemNotice problem={describeProblem(problem)} />}
      {users.isPending && <Loading />}
      {users.data && (
        <DataTable caption="Users" columns={['User', 'Role', 'Plan in force', 'Comp plan', 'Joined']}>
          {users.data.map((user) => (
            <tr key={user.id}>
              <td>
                {user.email}
                {user.name && <small className="muted"> · {user.name}</small>}
              </td>
              <td>
                {user.role}{' '}
                <Button
                  small
                  onClick={() => setRole.mutate({ id: user.id, role: user.role === 'admin' ? 'user' : 'admin' })}
                  aria-label={user.role === 'admin' ? `Make ${user.email} a user` : `Promote ${user.email} to admin`}
                >
                  {user.role === 'admin' ? 'Demote' : 'Promote'}
                </Button>
              </td>
              <td>{user.effectivePlan.name}</td>
              <td>
                <label className="visually-hidden" htmlFor={`comp-${user.id}`}>
                  Comp plan for {user.email}
                </label>
                <select
                  id={`comp-${user.id}`}
                  value={user.compPlanId ?? ''}
                  onChange={(event) => comp.mutate({ id: user.id, planId: event.target.value || null })}
                >
                  <option value="">None</option>
                  {plans.data
                    ?.filter((plan) => !plan.archivedAt)
                    .map((plan) => (
                      <option key={plan.id} value={plan.id}>
                        {plan.name}
                      </option>
                    ))}
                </select>
              </td>
              <td>{formatDate(user.createdAt)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
