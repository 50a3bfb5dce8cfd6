/**
 * A list the admin acts on (keys, pins, messages) as a Fluent table whose rows may carry buttons, with a
 * "Download CSV" of exactly the cells shown: each column says once how a row reads, as text for the table and the
 * file alike, and may render that cell richer (a fingerprint in monospace) without changing what it says. The
 * buttons column is not data and stays out of the file.
 */
import {
  Button,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { type CsvCell, toCsv } from '../shell/csv';
import { downloadText } from '../shell/download';

export interface RowsColumn<Row> {
  name: string;
  /** The cell as the CSV file holds it, and as the table shows it unless `render` is given. */
  value: (row: Row) => CsvCell;
  render?: (row: Row) => ReactNode;
}

export interface RowsTableProps<Row> {
  /** Names the table for assistive technology and its download button. */
  caption: string;
  columns: readonly RowsColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row, index: number) => string;
  /** The saved file's name, ending in .csv. */
  fileName: string;
  /** Shown instead of an empty table. */
  empty: string;
  /** What can be done with a row, in a last column headed "Actions". */
  actions?: (row: Row) => ReactNode;
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  scroll: { overflowX: 'auto' },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  // Ids, fingerprints and browser names have no spaces: they wrap anywhere rather than run into the next column.
  cell: { overflowWrap: 'anywhere' },
});

/** The table's rows as its CSV file holds them. */
export function rowsCsv<Row>(columns: readonly RowsColumn<Row>[], rows: readonly Row[]): string {
  return toCsv(
    columns.map((column) => column.name),
    rows.map((row) => columns.map((column) => column.value(row))),
  );
}

export function RowsTable<Row>(props: RowsTableProps<Row>): JSX.Element {
  const { caption, columns, rows, rowKey, fileName, empty, actions } = props;
  const styles = useStyles();
  if (rows.length === 0) return <p>{empty}</p>;
  const download = () => downloadText(fileName, rowsCsv(columns, rows), 'text/csv;charset=utf-8');
  return (
    <div className={styles.root}>
      <div className={styles.scroll}>
        <Table size="small" aria-label={caption} data-csv-name={fileName}>
          <TableHeader>
            <TableRow>
              {columns.map((column) => (
                <TableHeaderCell key={column.name}>{column.name}</TableHeaderCell>
              ))}
              {actions ? <TableHeaderCell>Actions</TableHeaderCell> : null}
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((row, index) => (
              <TableRow key={rowKey(row, index)}>
                {columns.map((column) => (
                  <TableCell key={column.name} className={styles.cell}>
                    {column.render ? column.render(row) : String(column.value(row) ?? '')}
                  </TableCell>
                ))}
                {actions ? (
                  <TableCell>
                    <div className={styles.actions}>{actions(row)}</div>
                  </TableCell>
                ) : null}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <div>
        <Button onClick={download} aria-label={`Download CSV of ${caption}`}>
          Download CSV
        </Button>
      </div>
    </div>
  );
}
