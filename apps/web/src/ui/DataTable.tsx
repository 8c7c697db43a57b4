import type { ReactNode } from 'react';

/**
 * The console's list table: a frame that scrolls sideways on narrow screens, a caption for screen
 * readers and one header per column. The caller renders the rows.
 */
export function DataTable({
  caption,
  columns,
  actions,
  className,
  testId,
  children,
}: {
  caption: string;
  columns: readonly string[];
  /** Adds a last column of row actions whose header only screen readers hear, e.g. "Actions". */
  actions?: string;
  /** Extra classes next to `table`. */
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className={className ? `table ${className}` : 'table'} data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
            {actions && (
              <th scope="col">
                <span className="visually-hidden">{actions}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
