/**
 * Messages per action under the running policy and under the edited one, side by side per action. The table next
 * to it holds the same numbers; the legend names each bar's policy, so colour is never the only key. The bars take
 * the chart's own palette: this chart draws a colour given to a bar as is, so a theme token would draw black.
 */
import { GroupedVerticalBarChart } from '@fluentui/react-charts';
import type { BeforeAfterRow } from './policy-preview-rows';

export function PolicyPreviewChart({ rows }: { rows: readonly BeforeAfterRow[] }): JSX.Element {
  return (
    <GroupedVerticalBarChart
      chartTitle="Messages per action, running policy and edited policy"
      height={300}
      yAxisTitle="Messages"
      barWidth="auto"
      wrapXAxisLables
      data={rows.map((row) => ({
        name: row.name,
        series: [
          { key: 'before', data: row.before, legend: 'Running policy' },
          { key: 'after', data: row.after, legend: 'Edited policy' },
        ],
      }))}
    />
  );
}
