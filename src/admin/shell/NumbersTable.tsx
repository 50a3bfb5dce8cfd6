/**
 * A chart's numbers as a Fluent table, with a "Download CSV" button whose file is built from the very rows the
 * table shows (one `rows` array serves both), so that what is read and what is downloaded cannot differ.
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
import { ArrowDownloadRegular } from '@fluentui/react-icons';
import { type CsvCell, toCsv } from './csv';
import { downloadText } from './download';

export interface NumbersTableProps {
  /** Names the table for assistive technology and the button ("Download CSV of <caption>"). */
  caption: string;
  columns: readonly string[];
  rows: readonly (readonly CsvCell[])[];
  /** The saved file's name, ending in .csv. */
  fileName: string;
  /** Shown instead of an empty table. */
  empty: string;
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  number: { textAlign: 'end', fontVariantNumeric: 'tabular-nums' },
  scroll: { overflowX: 'auto' },
});

export function NumbersTable({ caption, columns, rows, fileName, empty }: NumbersTableProps): JSX.Element {
  const styles = useStyles();
  const download = () => downloadText(fileName, toCsv(columns, rows), 'text/csv;charset=utf-8');
  return (
    <div className={styles.root}>
      <div className={styles.scroll}>
        <Table size="small" aria-label={caption} data-csv-name={fileName}>
          <TableHeader>
            <TableRow>
              {columns.map((column) => (
                <TableHeaderCell key={column}>{column}</TableHeaderCell>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((row, index) => (
              <TableRow key={index}>
                {row.map((cell, column) => (
                  <TableCell key={column} className={typeof cell === 'number' ? styles.number : undefined}>
                    {cell === null || cell === undefined ? '' : String(cell)}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      {rows.length === 0 ? <p>{empty}</p> : null}
      <div>
        <Button
          icon={<ArrowDownloadRegular />}
          onClick={download}
          disabled={rows.length === 0}
          aria-label={`Download CSV of ${caption}`}
        >
          Download CSV
        </Button>
      </div>
    </div>
  );
}
