import { useQuery } from '@tanstack/react-query';
import { formatDateTime } from '../../lib/format';
import { describeProblem } from '../../lib/problems';
import { DataTable } from '../../ui/DataTable';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { adminApi } from './admin-api';

export function AuditAdmin() {
  const audit = useQuery({ queryKey: ['admin', 'audit'], queryFn: adminApi.audit });
  if (audit.isPending) return <Loading />;
  if (audit.error) return <ProblemNotice problem={describeProblem(audit.error)} />;
  return (
    <DataTable caption="Audit log" columns={['When', 'Actor', 'Action', 'Target', 'Change']}>
      {audit.data.map((entry) => (
        <tr key={entry.id}>
          <td>{formatDateTime(entry.createdAt)}</td>
          <td>
            <code>{entry.actorId ?? 'system'}</code>
          </td>
          <td>{entry.action}</td>
          <td>
            <code>{entry.target}</code>
          </td>
          <td>
            {(entry.before || entry.after) && (
              <details>
                <summary>Details</summary>
                {entry.before && <pre className="mono">before: {entry.before}</pre>}
                {entry.after && <pre className="mono">after: {entry.after}</pre>}
              </details>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
