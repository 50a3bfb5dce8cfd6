/**
 * The overview's pictures, drawn with @fluentui/react-charts from the rows the tables show. Colours are the
 * charts' data-visualisation tokens resolved for the theme in use: these charts paint a colour given to them as
 * is, and a token left unresolved comes out black.
 */
import {
  DataVizPalette,
  DonutChart,
  HorizontalBarChart,
  VerticalStackedBarChart,
  getColorFromToken,
} from '@fluentui/react-charts';
import { useShownTheme } from '../shell/theme';
import type { DomainExposure, OverviewDay, TransportShare } from '../../core/decisions/overview';
import type { TransportVerdict } from '../../core/vocabulary';
import {
  CHARTED_PROTECTIONS,
  percent,
  protectionLegend,
  type ChartedProtection,
  type CoverageRow,
} from './OverviewTables';

/** A palette token as the colour it stands for in the theme in use. */
function useColour(): (token: string) => string {
  const dark = useShownTheme() === 'dark';
  return (token) => getColorFromToken(token, dark);
}

const PROTECTION_COLOURS: Readonly<Record<ChartedProtection, string>> = {
  tls: DataVizPalette.color1,
  pgp: DataVizPalette.color2,
  escrow: DataVizPalette.warning,
  blocked: DataVizPalette.error,
};

/** Best verdicts in calm colours, the ones forced TLS cannot use in alarm colours. */
const VERDICT_COLOURS: Readonly<Record<TransportVerdict, string>> = {
  authenticated: DataVizPalette.highSuccess,
  encrypted: DataVizPalette.success,
  weak: DataVizPalette.color5,
  partial: DataVizPalette.warning,
  none: DataVizPalette.error,
  broken: DataVizPalette.highError,
  'no-mail': DataVizPalette.color10,
  unknown: DataVizPalette.disabled,
};

/** One bar: its label on the axis, the longer label its callout shows, and the recipients per protection. */
interface StackedBar {
  x: string;
  callout?: string;
  counts: Partial<Record<ChartedProtection, number>>;
}

function StackedRecipients(props: {
  title: string;
  bars: readonly StackedBar[];
  protections: readonly ChartedProtection[];
}): JSX.Element {
  const colour = useColour();
  return (
    <VerticalStackedBarChart
      chartTitle={props.title}
      height={300}
      barWidth="auto"
      maxBarWidth={48}
      yAxisTitle="Recipients"
      data={props.bars.map((bar) => ({
        xAxisPoint: bar.x,
        ...(bar.callout ? { xAxisCalloutData: bar.callout } : {}),
        chartData: props.protections.map((protection) => ({
          legend: protectionLegend(protection),
          data: bar.counts[protection] ?? 0,
          color: colour(PROTECTION_COLOURS[protection]),
        })),
      }))}
    />
  );
}

export function DaysChart({ days }: { days: readonly OverviewDay[] }): JSX.Element {
  return (
    <StackedRecipients
      title="Recipients per day by protection"
      protections={CHARTED_PROTECTIONS}
      bars={days.map((day) => ({ x: day.day.slice(5), callout: day.day, counts: day }))}
    />
  );
}

export function ExposureChart({ domains }: { domains: readonly DomainExposure[] }): JSX.Element {
  return (
    <StackedRecipients
      title="Recipients blocked or sent by secure pickup, per domain"
      protections={['blocked', 'escrow']}
      bars={domains.map((row) => ({ x: row.domain, counts: row }))}
    />
  );
}

export function ShareChart({ share }: { share: readonly TransportShare[] }): JSX.Element {
  const total = share.reduce((sum, row) => sum + row.domains, 0);
  const colour = useColour();
  return (
    <DonutChart
      height={260}
      innerRadius={60}
      valueInsideDonut={total}
      data={{
        chartTitle: 'Recipient domains by transport verdict',
        chartData: share
          .filter((row) => row.domains > 0)
          .map((row) => ({
            legend: row.verdict,
            data: row.domains,
            color: colour(VERDICT_COLOURS[row.verdict]),
          })),
      }}
    />
  );
}

export function CoverageChart({ coverage }: { coverage: CoverageRow }): JSX.Element {
  const colour = useColour();
  return (
    <HorizontalBarChart
      data={[
        {
          chartTitle: `External recipients with a valid OpenPGP key: ${percent(coverage.withKey, coverage.total)}`,
          chartData: [
            {
              legend: 'With a valid key',
              horizontalBarChartdata: { x: coverage.withKey, total: coverage.total },
              color: colour(DataVizPalette.color2),
            },
          ],
        },
      ]}
    />
  );
}
