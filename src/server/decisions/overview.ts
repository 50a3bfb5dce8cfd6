/**
 * The overview's window and answer: the last N UTC days, today included, every day listed whether or not it has
 * records, and every transport verdict with the domains that have it.
 */
import type { DecisionOverview, OverviewDay } from '../../core/decisions/overview';
import { PROTECTIONS, TRANSPORT_VERDICTS } from '../../core/vocabulary';
import { DAY_MS, type DecisionFigures, type TimeRange } from '../store/decision-store';

/** From the start of the UTC day `days - 1` days before `now`'s to the start of the day after `now`'s. */
export function overviewWindow(now: number, days: number): TimeRange {
  const today = Math.floor(now / DAY_MS);
  return { from: (today - days + 1) * DAY_MS, to: (today + 1) * DAY_MS };
}

const dayName = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const EMPTY_DAY = { messages: 0, ...Object.fromEntries(PROTECTIONS.map((p) => [p, 0])) } as Omit<
  OverviewDay,
  'day'
>;

export function overviewOf(window: TimeRange, figures: DecisionFigures): DecisionOverview {
  const counted = new Map(figures.days.map(({ day, ...counts }) => [day, counts]));
  const days: OverviewDay[] = [];
  for (let day = window.from / DAY_MS; day < window.to / DAY_MS; day += 1) {
    days.push({ day: dayName(day), ...(counted.get(day) ?? EMPTY_DAY) });
  }
  const shares = new Map(figures.transportShare.map((share) => [share.verdict, share.domains]));
  return {
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
    days,
    topDomains: figures.topDomains,
    transportShare: TRANSPORT_VERDICTS.map((verdict) => ({ verdict, domains: shares.get(verdict) ?? 0 })),
    keyCoverage: figures.keyCoverage,
  };
}
