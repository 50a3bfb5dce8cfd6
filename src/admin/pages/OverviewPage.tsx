/**
 * Overview: how mail left over the last days, from the decision records (`GET /admin/overview?days=`). Each
 * picture has its numbers beside it as a table, with the table's rows as a CSV download.
 */
import { Field, Select, Text, makeStyles, tokens } from '@fluentui/react-components';
import { useState, type ReactNode } from 'react';
import type { DecisionOverview } from '../../core/decisions/overview';
import type { PageProps } from '../shell/page';
import { CoverageChart, DaysChart, ExposureChart, ShareChart } from './OverviewCharts';
import { coverageColumns, dayColumns, exposureColumns, hasMessages, shareColumns } from './OverviewTables';
import { LoadedView, Section } from './PageParts';
import { RowsTable } from './RowsTable';
import { useLoaded } from './use-loaded';
import { shownTime } from './when';

export const PERIODS = [7, 30, 90, 365] as const;

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXL },
  // The picture above its numbers, each the page's full width: the day table has eight columns.
  figure: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  chart: { minWidth: 0, maxWidth: '60rem' },
  period: { maxWidth: '16rem' },
});

function Figure({ chart, table }: { chart: ReactNode; table: ReactNode }): JSX.Element {
  const styles = useStyles();
  return (
    <div className={styles.figure}>
      <div className={styles.chart}>{chart}</div>
      {table}
    </div>
  );
}

function OverviewFigures({ overview, days }: { overview: DecisionOverview; days: number }): JSX.Element {
  const coverage = [overview.keyCoverage];
  const none = hasMessages(overview) ? null : (
    <Text>No send checks were recorded in the last {days} days.</Text>
  );
  return (
    <>
      <Text>
        From {shownTime(overview.from)} to {shownTime(overview.to)}.
      </Text>
      {none}
      <Section title="Protections per day" id="overview-days">
        <Figure
          chart={<DaysChart days={overview.days} />}
          table={
            <RowsTable
              caption="Recipients per day by protection"
              columns={dayColumns}
              rows={overview.days}
              rowKey={(day) => day.day}
              fileName={`sendguard-protections-per-day-${days}d.csv`}
              empty="No days in this period."
            />
          }
        />
      </Section>
      <Section title="Domains blocked or sent by secure pickup most" id="overview-domains">
        <Figure
          chart={overview.topDomains.length ? <ExposureChart domains={overview.topDomains} /> : null}
          table={
            <RowsTable
              caption="Domains blocked or sent by secure pickup most"
              columns={exposureColumns}
              rows={overview.topDomains}
              rowKey={(row) => row.domain}
              fileName={`sendguard-blocked-and-pickup-domains-${days}d.csv`}
              empty="No recipient was blocked or sent by secure pickup in this period."
            />
          }
        />
      </Section>
      <Section title="Recipient domains by transport verdict" id="overview-transport">
        <Figure
          chart={
            overview.transportShare.some((row) => row.domains > 0) ? (
              <ShareChart share={overview.transportShare} />
            ) : null
          }
          table={
            <RowsTable
              caption="Recipient domains by their latest transport verdict"
              columns={shareColumns}
              rows={overview.transportShare}
              rowKey={(row) => row.verdict}
              fileName={`sendguard-transport-verdicts-${days}d.csv`}
              empty="No external recipient domain in this period."
            />
          }
        />
      </Section>
      <Section title="Key coverage" id="overview-keys">
        <Figure
          chart={overview.keyCoverage.total > 0 ? <CoverageChart coverage={overview.keyCoverage} /> : null}
          table={
            <RowsTable
              caption="External recipients with a valid OpenPGP key"
              columns={coverageColumns}
              rows={coverage}
              rowKey={() => 'coverage'}
              fileName={`sendguard-key-coverage-${days}d.csv`}
              empty="No external recipient in this period."
            />
          }
        />
      </Section>
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
