/**
 * A small Prometheus registry: counters and histograms with labels, rendered in the text exposition format
 * (version 0.0.4). Enough for this service's handful of series without another dependency.
 */

type Labels = Record<string, string>;

const NEEDS_ESCAPE = /[\\"\n]/;

function escapeLabel(value: string): string {
  // Label values are nearly always plain words; the check is cheaper than three replacements on every count.
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Counted on every request (several times for an assess call): a plain loop rather than arrays of pairs. */
function formatLabels(labels: Labels): string {
  let text = '';
  for (const name in labels) text += `${text === '' ? '{' : ','}${name}="${escapeLabel(labels[name]!)}"`;
  return text === '' ? '' : `${text}}`;
}

/** Label names, then values, down to the series of that label set. */
interface LabelPath<Series> {
  series?: Series;
  next: Map<string, Map<string, LabelPath<Series>>>;
}

/** Series are keyed by their rendered labels, which also fixes their order in the output. */
abstract class Metric<Series> {
  protected readonly series = new Map<string, { labels: Labels; value: Series }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly type: 'counter' | 'histogram',
  ) {}

  /**
   * The series found again by label name and value, without rendering the labels: an assess call counts a few
   * dozen times. Label sets are bounded (see `Metrics`), so the paths are too.
   */
  private readonly found: LabelPath<Series> = { next: new Map() };

  protected seriesFor(labels: Labels, initial: () => Series): Series {
    let path = this.found;
    for (const name in labels) {
      let byValue = path.next.get(name);
      if (!byValue) path.next.set(name, (byValue = new Map()));
      const value = labels[name]!;
      let next = byValue.get(value);
      if (!next) byValue.set(value, (next = { next: new Map() }));
      path = next;
    }
    path.series ??= this.rendered(labels, initial);
    return path.series;
  }

  private rendered(labels: Labels, initial: () => Series): Series {
    const key = formatLabels(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels: { ...labels }, value: initial() };
      this.series.set(key, entry);
    }
    return entry.value;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of this.series.values()) lines.push(...this.renderSeries(labels, value));
    return lines.join('\n');
  }

  protected abstract renderSeries(labels: Labels, value: Series): string[];
}

class Counter extends Metric<{ count: number }> {
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }

  inc(labels: Labels = {}, by = 1): void {
    this.seriesFor(labels, () => ({ count: 0 })).count += by;
  }

  protected renderSeries(labels: Labels, value: { count: number }): string[] {
    return [`${this.name}${formatLabels(labels)} ${value.count}`];
  }
}

interface HistogramSeries {
  /** Per bucket, observations ≤ its bound (not yet cumulative). */
  buckets: number[];
  sum: number;
  count: number;
}

class Histogram extends Metric<HistogramSeries> {
  constructor(
    name: string,
    help: string,
    private readonly bounds: readonly number[],
  ) {
    super(name, help, 'histogram');
  }

  observe(labels: Labels, value: number): void {
    const series = this.seriesFor(labels, () => ({ buckets: this.bounds.map(() => 0), sum: 0, count: 0 }));
    const bucket = this.bounds.findIndex((bound) => value <= bound);
    if (bucket >= 0) series.buckets[bucket] = (series.buckets[bucket] ?? 0) + 1;
    series.sum += value;
    series.count += 1;
  }

  protected renderSeries(labels: Labels, value: HistogramSeries): string[] {
    let cumulative = 0;
    const lines = this.bounds.map((bound, i) => {
      cumulative += value.buckets[i] ?? 0;
      return `${this.name}_bucket${formatLabels({ ...labels, le: String(bound) })} ${cumulative}`;
    });
    lines.push(`${this.name}_bucket${formatLabels({ ...labels, le: '+Inf' })} ${value.count}`);
    lines.push(`${this.name}_sum${formatLabels(labels)} ${value.sum}`);
    lines.push(`${this.name}_count${formatLabels(labels)} ${value.count}`);
    return lines;
  }
}

/** The series this service exports. Labels are bounded sets: route patterns, never paths with addresses in them. */
export interface Metrics {
  httpRequests: Counter;
  httpDuration: Histogram;
  /** For the transport and key services to count their cache: `{ check: transport|key, result: hit|miss }`. */
  cacheLookups: Counter;
  /** Verdicts the services answered with: `{ check: transport|key, verdict }`. */
  probeOutcomes: Counter;
  render(): string;
}

export function createMetrics(): Metrics {
  const metrics = {
    httpRequests: new Counter('sendguard_http_requests_total', 'HTTP requests by method, route and status.'),
    httpDuration: new Histogram(
      'sendguard_http_request_duration_seconds',
      'HTTP request latency by method and route.',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
    cacheLookups: new Counter(
      'sendguard_cache_lookups_total',
      'Verdict cache lookups by check and hit or miss.',
    ),
    probeOutcomes: new Counter(
      'sendguard_check_outcomes_total',
      'Completed transport and key checks by verdict.',
    ),
  };
  const all = Object.values(metrics);
  return { ...metrics, render: () => `${all.map((metric) => metric.render()).join('\n')}\n` };
}
