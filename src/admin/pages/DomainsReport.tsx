/** One domain's transport report as an admin reads it: the verdict and why, then the evidence per MX. */
import {
  Badge,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { TransportVerdict } from '../../core/vocabulary';
import type { DomainAssessment } from '../../core/wire';
import { readEvidence, type AddressRow, type MxView } from './DomainsEvidence';
import { shownTime } from './when';

/** Verdicts that let forced TLS deliver, and how well. */
const VERDICT_COLOUR: Readonly<Record<TransportVerdict, 'success' | 'informative' | 'warning' | 'danger'>> = {
  authenticated: 'success',
  encrypted: 'informative',
  weak: 'warning',
  partial: 'warning',
  none: 'danger',
  broken: 'danger',
  'no-mail': 'danger',
  unknown: 'warning',
};

const ADDRESS_COLUMNS: readonly [keyof AddressRow, string][] = [
  ['address', 'Address'],
  ['verdict', 'Verdict'],
  ['starttls', 'STARTTLS'],
  ['tls', 'TLS'],
  ['certificate', 'Certificate'],
  ['authentication', 'Authenticated by'],
  ['reason', 'Why'],
];

const useStyles = makeStyles({
  report: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  verdict: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  scroll: { overflowX: 'auto' },
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL },
  mx: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  // Cipher names and reasons are long words: they wrap inside their column rather than run into the next.
  cell: { overflowWrap: 'anywhere' },
});

function VerdictBadge({ verdict }: { verdict: TransportVerdict }): JSX.Element {
  return (
    <Badge appearance="filled" color={VERDICT_COLOUR[verdict]}>
      {verdict}
    </Badge>
  );
}

function MxEvidence({ mx }: { mx: MxView }): JSX.Element {
  const styles = useStyles();
  return (
    <section aria-label={mx.title} className={styles.mx}>
      <Subtitle2 as="h4">{mx.title}</Subtitle2>
      <Text as="p">{mx.dane}</Text>
      {mx.addressError ? <Text as="p">Its addresses could not be had: {mx.addressError}</Text> : null}
      <div className={styles.scroll}>
        <Table size="small" aria-label={`Addresses of ${mx.title}`}>
          <TableHeader>
            <TableRow>
              {ADDRESS_COLUMNS.map(([key, name]) => (
                <TableHeaderCell key={key}>{name}</TableHeaderCell>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {mx.addresses.map((row) => (
              <TableRow key={row.address}>
                {ADDRESS_COLUMNS.map(([key]) => (
                  <TableCell key={key} className={styles.cell}>
                    {row[key]}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </section>
  );
}

export function DomainsReport({ report }: { report: DomainAssessment }): JSX.Element {
  const styles = useStyles();
  const evidence = readEvidence(report.evidence);
  return (
    <div className={styles.report}>
      <div className={styles.verdict}>
        <Text weight="semibold">Transport verdict</Text>
        <VerdictBadge verdict={report.verdict} />
        {report.checkedAt ? <Text>checked {shownTime(report.checkedAt)}</Text> : null}
      </div>
      <ul className={styles.list} aria-label="Reasons">
        {report.reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
      <Subtitle2 as="h3">Evidence</Subtitle2>
      {evidence.mx.length === 0 ? <Text as="p">No mail host was found for this domain.</Text> : null}
      {evidence.mx.map((mx) => (
        <MxEvidence key={mx.title} mx={mx} />
      ))}
      <ul className={styles.list} aria-label="MTA-STS, TLS-RPT and other facts">
        <li>{evidence.mtaSts}</li>
        <li>{evidence.tlsRpt}</li>
        {evidence.notes.map((note) => (
          <li key={note}>{note}</li>
        ))}
      </ul>
    </div>
  );
}
