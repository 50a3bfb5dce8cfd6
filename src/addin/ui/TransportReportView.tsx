/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/**
 * A received message's transport report: one summary line, then each hop (who handed it to whom, when, and how
 * it was protected) as an ordered list, then what the headers cannot prove. Plain words from core's describe*,
 * so the panes and the CLI say the same thing.
 */
import {
  Body1Strong,
  Caption1,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useId } from 'react';
import { describeHopTls, describeSummary, type Hop, type ReceivedReport } from '../../core/received';

const useStyles = makeStyles({
  list: { margin: 0, padding: 0, listStyle: 'none' },
  hop: {
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
    padding: `${tokens.spacingVerticalS} 0`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    overflowWrap: 'anywhere',
  },
  plain: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  caveats: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  heading: { display: 'block', margin: `${tokens.spacingVerticalM} 0 ${tokens.spacingVerticalXS}` },
});

const INTENT = { 'all-tls': 'success', 'some-plain': 'error', unknown: 'warning' } as const;

/** The date as the reader's clock shows it; the server's own text when it could not be read. */
function when(hop: Hop): string {
  if (hop.date)
    return new Date(hop.date).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  return hop.dateRaw ? `${hop.dateRaw} (as written)` : 'time not recorded';
}

function HopItem({ hop, index }: { hop: Hop; index: number }) {
  const styles = useStyles();
  const from = hop.from ?? hop.fromAddress ?? 'sender not recorded';
  // The recorded address beside the HELO name, unless the HELO was that address already.
  const address =
    hop.from && hop.fromAddress && !hop.from.includes(hop.fromAddress) ? ` [${hop.fromAddress}]` : '';
  return (
    <li className={styles.hop} aria-label={`Hop ${index + 1}`}>
      <Text>
        <Body1Strong>Hop {index + 1}:</Body1Strong> {from}
        {address} → {hop.by ?? 'receiver not recorded'}
      </Text>
      <Caption1>{when(hop)}</Caption1>
      <Text className={hop.tls === 'plain' ? styles.plain : undefined}>{describeHopTls(hop)}</Text>
    </li>
  );
}

export function TransportReportView({ report }: { report: ReceivedReport }) {
  const styles = useStyles();
  const hopsId = useId();
  const caveatsId = useId();
  return (
    <section aria-label="How this message travelled">
      <MessageBar intent={INTENT[report.summary]} layout="multiline" role="status">
        <MessageBarBody>{describeSummary(report)}</MessageBarBody>
      </MessageBar>
      {report.hops.length > 0 ? (
        <>
          <Text as="h2" weight="semibold" id={hopsId} className={styles.heading}>
            Hops, oldest first
          </Text>
          <ol className={styles.list} aria-labelledby={hopsId}>
            {report.hops.map((hop, i) => (
              <HopItem key={i} hop={hop} index={i} />
            ))}
          </ol>
        </>
      ) : null}
      <Text as="h2" weight="semibold" id={caveatsId} className={styles.heading}>
        What the headers cannot prove
      </Text>
      <ul className={styles.caveats} aria-labelledby={caveatsId}>
        {report.caveats.map((caveat) => (
          <li key={caveat}>
            <Text>{caveat}</Text>
          </li>
        ))}
      </ul>
    </section>
  );
}
