/**
 * The policy preview: the decision records of the last days read a page at a time and replayed under the policy
 * in force ("before") and the edited one ("after"), counted as `PreviewTally` counts (core/decisions/replay.ts).
 * Nothing is saved. The replay is CPU work on the event loop and a record can hold 500 recipients (any sender can
 * write one): it is measured in recipients, not records. Every few thousand recipients, or sooner when its records
 * are slow to plan, it gives the other requests waiting their turn and looks at its time budget; a preview of more
 * recipients than its cap is refused. A page read holds at most the store's bound of recipients (50 000).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../../core/clock';
import { Outcomes, PreviewTally, type PreviewFigures } from '../../core/decisions/replay';
import { SendguardError } from '../../core/errors';
import type { Policy } from '../../core/policy/schema';
import { DAY_MS, type DecisionStore } from '../store/decision-store';

export const PREVIEW_LIMITS = {
  daysDefault: 30,
  daysMax: 365,
  /** Records read per page (the store ends a page sooner, at 50 000 recipients). */
  page: 1000,
  /** Recipients replayed at most between turns given to other requests (and looks at the time budget). */
  turnRecipients: 2000,
  /** Replay time at most between turns: a record of 500 recipients takes up to ~0.2 s to plan twice. */
  turnMs: 50,
  /** Recipients a preview replays at most; more is refused, asking for fewer days. */
  maxRecipients: 1_000_000,
  /** Replay time a preview may take, reading pages included. */
  budgetMs: 10_000,
} as const;

interface PreviewDeps {
  decisions: Pick<DecisionStore, 'list'>;
  clock: Clock;
  /** The limits of PREVIEW_LIMITS, some replaced. */
  limits?: Partial<Record<keyof typeof PREVIEW_LIMITS, number>>;
}

/** The records of the `days` before now replayed under `running` and `edited`. */
export async function previewPolicy(
  edited: Policy,
  running: Policy,
  days: number,
  deps: PreviewDeps,
): Promise<PreviewFigures> {
  const limits = { ...PREVIEW_LIMITS, ...deps.limits };
  const started = deps.clock.monotonic();
  const withinBudget = () => {
    if (deps.clock.monotonic() - started > limits.budgetMs)
      throw tooMany(`more records than can be replayed within ${limits.budgetMs / 1000} seconds`, days);
  };
  const to = deps.clock.now();
  const from = to - days * DAY_MS;
  const tally = new PreviewTally();
  const outcomes = new Outcomes(running, edited);
  let recipients = 0;
  let sinceTurn = 0;
  let turnStarted = deps.clock.monotonic();
  let after: string | undefined;
  do {
    const page = await deps.decisions.list({ from, to }, limits.page, after);
    withinBudget();
    for (const record of page.records) {
      recipients += record.recipients.length;
      if (recipients > limits.maxRecipients)
        throw tooMany(`more than ${limits.maxRecipients} recipients`, days);
      tally.add(
        record.recipients.map((r) => r.domain),
        ...outcomes.of(record),
      );
      sinceTurn += record.recipients.length;
      if (sinceTurn >= limits.turnRecipients || deps.clock.monotonic() - turnStarted >= limits.turnMs) {
        sinceTurn = 0;
        await nextTurn();
        turnStarted = deps.clock.monotonic();
        withinBudget();
      }
    }
    after = page.next;
  } while (after !== undefined);
  return tally.figures({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
}

function tooMany(what: string, days: number): SendguardError {
  return new SendguardError('PREVIEW_TOO_LARGE', `the last ${days} days hold ${what}: preview fewer days`);
}
