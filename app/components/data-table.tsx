import type { CSSProperties, Key, ReactNode } from "react";

export interface DataTableColumn<Row> {
  /** Header text; also each cell's `data-label`, which the phone layout shows before the value. */
  label: string;
  cell: (row: Row) => ReactNode;
  /** The cell names its row: rendered as `<th scope="row">`. */
  rowHeader?: boolean;
  headerStyle?: CSSProperties;
  cellStyle?: CSSProperties;
}

/**
 * A list as a responsive table (`table.data.responsive`): column headers, one row per item, every
 * cell labelled with its column so a phone can stack them. With `empty`, no rows show that text in
 * an empty-state card instead of the table; without it the table renders even when it has no rows.
 */
export function DataTable<Row>({
  rows,
  columns,
  rowKey,
  caption,
  empty,
}: {
  rows: ReadonlyArray<Row>;
  columns: ReadonlyArray<DataTableColumn<Row>>;
  rowKey: (row: Row) => Key;
  /** Read by screen readers only (`sr-only`). */
  caption?: string;
  empty?: ReactNode;
}) {
  if (rows.length === 0 && empty !== undefined) return <p className="empty card">{empty}</p>;
  return (
    <div className="table-wrap">
      <table className="data responsive">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" style={column.headerStyle}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) =>
                column.rowHeader ? (
                  <th key={column.label} scope="row" data-label={column.label} style={column.cellStyle}>
                    {column.cell(row)}
                  </th>
                ) : (
                  <td key={column.label} data-label={column.label} style={column.cellStyle}>
                    {column.cell(row)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
