import { useQuery } from '@tanstack/react-query';
import { formatDate, formatMoney } from '../../lib/format';
import { describeProblem } from '../../lib/problems';
import { trpc } from '../../lib/trpc';
import { DataTable } from '../../ui/DataTable';
import { Loading, ProblemNotice } from '../../ui/Notice';

const STATUS_BADGE: Record<string, string> = { paid: 'badge-ok', open: 'badge-bad', void: 'badge-muted' };

/** The user's invoices as Stripe keeps them, with links to each hosted invoice and its PDF. */
export function InvoiceList() {
  const invoices = useQuery(trpc.invoices.list.queryOptions({ limit: 12 }));
  if (invoices.isPending) return <Loading label="Loading invoices…" />;
  if (invoices.error) return <ProblemNotice problem={describeProblem(invoices.error)} />;
  if (invoices.data.invoices.length === 0) {
    return <p className="muted">No invoices yet: they appear here once you subscribe to a paid plan.</p>;
  }
  return (
    <DataTable
      caption="Invoices"
      columns={['Date', 'Invoice', 'Period', 'Amount', 'Status']}
      actions="Links"
      testId="invoices"
    >
      {invoices.data.invoices.map((invoice) => (
        <tr key={invoice.id} data-testid={`invoice-${invoice.id}`}>
          <td>{formatDate(invoice.created)}</td>
          <td>
            <code>{invoice.number ?? invoice.id}</code>
          </td>
          <td>
            {formatDate(invoice.periodStart)} – {formatDate(invoice.periodEnd)}
          </td>
          <td>{formatMoney(invoice.total, invoice.currency)}</td>
          <td>
            <span className={`badge ${STATUS_BADGE[invoice.status ?? ''] ?? ''}`}>{invoice.status ?? 'draft'}</span>
            {invoice.status === 'open' && (
              <small className="muted"> · {formatMoney(invoice.amountDue, invoice.currency)} due</small>
            )}
          </td>
          <td className="row-actions">
            {invoice.hostedInvoiceUrl && (
              <a href={invoice.hostedInvoiceUrl} target="_blank" rel="noreferrer">
                View<span className="visually-hidden"> invoice {invoice.number}</span>
              </a>
            )}
            {invoice.pdfUrl && (
              <a href={invoice.pdfUrl} target="_blank" rel="noreferrer">
                PDF<span className="visually-hidden"> of invoice {invoice.number}</span>
              </a>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
