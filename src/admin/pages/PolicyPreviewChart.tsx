/**
 * Messages per action under the running policy and under the edited one, side by side per action. The table next
 * to it holds the same numbers; the legend names each bar's policy, so colour is never the only key.
 */
import { DataVizPalette, GroupedVerticalBarChart } from '@fluentui/react-charts';
import type { BeforeAfterRow } from './policy-preview-rows';

export function PolicyPreviewChart({ rows }: { rows: readonly BeforeAfterRow[] }): JSX.Element {
  return (
    <GroupedVerticalBarChart
      chartTitle="Messages per action, running policy and edited policy"
      height={300}
      yAxisTitle="Messages"
      data={rows.map((row) => ({
        name: row.name,
        series: [
          { key: 'before', data: row.before, legend: 'Running policy', color: DataVizPalette.color1 },
          { key: 'after', data: row.after, legend: 'Edited policy', color: DataVizPalette.color2 },
        ],
      }))}
    />
  );
}
