/**
 * Overview: how mail left over the last days, from the decision records (`GET /admin/overview?days=`). Each
 * picture has its numbers below it as a table, with the table's rows as a CSV download.
 */
import { Field, Select, Text, makeStyles, tokens } from '@fluentui/react-components';
import { useState, type ReactNode } from 'react';
import type { DecisionOverview } from '../../core/decisions/overview';
import type { PageProps } from '../shell/page';
import { CoverageChart, DaysChart, ExposureChart, ShareChart } from './OverviewCharts';
import { coverageColumns, dayColumns, exposureColumns, hasMessages, shareColumns } from './OverviewTables';
import { LoadedView, Section } from './PageParts';
import { RowsTable, type RowsTableProps } from './RowsTable';
import { useLoaded } from './use-loaded';
import { shownTime } from './when';

const PERIODS = [7, 30, 90, 365] as const;

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXL },
  // The picture above its numbers, each the page's full width: the day table has eight columns.
  figure: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  chart: {
    minWidth: 0,
    maxWidth: '60rem',
    // The charts' bars and arcs take focus (arrow keys move between them) but draw no ring of their own.
    '& [tabindex]:focus-visible': {
      outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`,
    },
  },
  period: { maxWidth: '16rem' },
});

/** A titled section: the picture (absent when there is nothing to draw), then its numbers with their CSV. */
function Figure<Row>(props: {
  title: string;
  id: string;
  chart: ReactNode;
  table: RowsTableProps<Row>;
}): JSX.Element {
  const styles = useStyles();
  return (
    <Section title={props.title} id={props.id}>
      <div className={styles.figure}>
        {props.chart ? <div className={styles.chart}>{props.chart}</div> : null}
        <RowsTable {...props.table} />
      </div>
    </Section>
  );
}

function OverviewFigures({ overview, days }: { overview: DecisionOverview; days: number }): JSX.Element {
  const { topDomains, transportShare, keyCoverage } = overview;
  const file = (what: string) => `sendguard-${what}-${days}d.csv`;
  return (
    <>
      <Text>
        From {shownTime(overview.from)} to {shownTime(overview.to)}.
      </Text>
      {hasMessages(overview) ? null : <Text>No send checks were recorded in the last {days} days.</Text>}
      <Figure
        title="Protections per day"
        id="overview-days"
        chart={<DaysChart days={overview.days} />}
        table={{
          caption: 'Recipients per day by protection',
          columns: dayColumns,
          rows: overview.days,
          rowKey: (day) => day.day,
          fileName: file('protections-per-day'),
          empty: 'No days in this period.',
        }}
      />
      <Figure
        title="Domains blocked or sent by secure pickup most"
        id="overview-domains"
        chart={topDomains.length ? <ExposureChart domains={topDomains} /> : null}
        table={{
          caption: 'Domains blocked or sent by secure pickup most',
          columns: exposureColumns,
          rows: topDomains,
          rowKey: (row) => row.domain,
          fileName: file('blocked-and-pickup-domains'),
          empty: 'No recipient was blocked or sent by secure pickup in this period.',
        }}
      />
      <Figure
        title="Recipient domains by transport verdict"
        id="overview-transport"
        chart={transportShare.some((row) => row.domains > 0) ? <ShareChart share={transportShare} /> : null}
        table={{
          caption: 'Recipient domains by their latest transport verdict',
          columns: shareColumns,
          rows: transportShare,
          rowKey: (row) => row.verdict,
          fileName: file('transport-verdicts'),
          empty: 'No external recipient domain in this period.',
        }}
      />
      <Figure
        title="Key coverage"
        id="overview-keys"
        chart={keyCoverage.total > 0 ? <CoverageChart coverage={keyCoverage} /> : null}
        table={{
          caption: 'External recipients with a valid OpenPGP key',
          columns: coverageColumns,
          rows: [keyCoverage],
          rowKey: () => 'coverage',
          fileName: file('key-coverage'),
          empty: 'No external recipient in this period.',
        }}
      />
    </>
  );
}

/** One period's overview, asked for once: a new period mounts a new one (keyed by its days). */
function OverviewOfPeriod({ api, days }: PageProps & { days: number }): JSX.Element {
  const overview = useLoaded(() => api.get<DecisionOverview>(`/admin/overview?days=${days}`));
  return (
    <LoadedView loaded={overview} what="the overview">
      {(value) => <OverviewFigures overview={value} days={days} />}
    </LoadedView>
  );
}

export default function OverviewPage({ api }: PageProps): JSX.Element {
  const styles = useStyles();
  const [days, setDays] = useState<number>(30);
  return (
    <div className={styles.page}>
      <Field label="Period" className={styles.period}>
        <Select value={String(days)} onChange={(_, data) => setDays(Number(data.value))}>
          {PERIODS.map((period) => (
            <option key={period} value={period}>
              Last {period} days
            </option>
          ))}
        </Select>
      </Field>
      <OverviewOfPeriod key={days} api={api} days={days} />
    </div>
  );
}
