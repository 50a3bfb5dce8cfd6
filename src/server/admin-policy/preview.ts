/**
 * The policy preview: the decision records of the last days replayed under the policy in force ("before") and
 * under the edited one ("after"), counted per message action and per recipient protection, with the domains whose
 * recipients would move from one protection to another. Nothing is saved. The replay is CPU work on the event loop:
 * it runs a page of records at a time, yielding between pages, within a time budget and a cap on records.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../../core/clock';
import { replay } from '../../core/decisions/replay';
import { MESSAGE_ACTIONS, type DecisionRecord } from '../../core/decisions/record';
import { SendguardError } from '../../core/errors';
import type { Plan } from '../../core/plan';
import type { Policy } from '../../core/policy/schema';
import { PROTECTIONS, type MessageAction, type Protection } from '../../core/vocabulary';
import { DAY_MS, type DecisionStore } from '../store/decision-store';

export const PREVIEW_LIMITS = {
  daysDefault: 30,
  daysMax: 365,
  /** Records read and replayed per page. */
  page: 1000,
  /** Records a preview replays at most; more is refused, naming how many days to ask for instead. */
  maxRecords: 200_000,
  /** Replay time a preview may take, reading pages included. */
  budgetMs: 10_000,
} as const;

export interface PreviewFigures {
  from: string;
  to: string;
  messages: number;
  before: Record<MessageAction, number>;
  after: Record<MessageAction, number>;
  recipientsBefore: Record<Protection, number>;
  recipientsAfter: Record<Protection, number>;
  changedMessages: number;
  /** Only pairs that changed, most recipients first. */
  domains: Array<{ domain: string; from: Protection; to: Protection; recipients: number }>;
}

const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

/** What a replay decided, as much as the preview counts: the action and each recipient's protection, in order. */
export interface Outcome {
  action: MessageAction;
  protections: Protection[];
}

/** The counts of a preview, one record's two outcomes at a time. */
export class PreviewTally {
  private messages = 0;
  private changedMessages = 0;
  private readonly before = zeros(MESSAGE_ACTIONS);
  private readonly after = zeros(MESSAGE_ACTIONS);
  private readonly recipientsBefore = zeros(PROTECTIONS);
  private readonly recipientsAfter = zeros(PROTECTIONS);
  /** By domain, then `from>to`. */
  private readonly moves = new Map<string, Map<string, number>>();

  /** `domains`: the record's recipients' domains, in the order of the outcomes' protections. */
  add(domains: readonly string[], before: Outcome, after: Outcome): void {
    this.messages++;
    this.before[before.action]++;
    this.after[after.action]++;
    let changed = before.action !== after.action;
    before.protections.forEach((was, i) => {
      const now = after.protections[i]!;
      this.recipientsBefore[was]++;
      this.recipientsAfter[now]++;
      if (was === now) return;
      changed = true;
      const domain = domains[i]!;
      const pairs = this.moves.get(domain) ?? new Map<string, number>();
      const pair = `${was}>${now}`;
      pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
      this.moves.set(domain, pairs);
    });
    if (changed) this.changedMessages++;
  }

  figures(range: { from: string; to: string }): PreviewFigures {
    const domains = [...this.moves].flatMap(([domain, pairs]) =>
      [...pairs].map(([pair, recipients]) => {
        const [from, to] = pair.split('>') as [Protection, Protection];
        return { domain, from, to, recipients };
      }),
    );
    domains.sort(
      (a, b) => b.recipients - a.recipients || (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0),
    );
    return {
      ...range,
      messages: this.messages,
      before: { ...this.before },
      after: { ...this.after },
      recipientsBefore: { ...this.recipientsBefore },
      recipientsAfter: { ...this.recipientsAfter },
      changedMessages: this.changedMessages,
      domains,
    };
  }
}

export interface PreviewDeps {
  decisions: Pick<DecisionStore, 'list'>;
  clock: Clock;
  limits?: Partial<typeof PREVIEW_LIMITS>;
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
  const to = deps.clock.now();
  const from = to - days * DAY_MS;
  const tally = new PreviewTally();
  const outcomes = new Outcomes(running, edited);
  let replayed = 0;
  let after: string | undefined;
  do {
    const page = await deps.decisions.list({ from, to }, limits.page, after);
    replayed += page.records.length;
    if (replayed > limits.maxRecords) throw tooMany(`more than ${limits.maxRecords} records`, days);
    for (const record of page.records) {
      tally.add(
        record.recipients.map((r) => r.domain),
        ...outcomes.of(record),
      );
    }
    if (deps.clock.monotonic() - started > limits.budgetMs)
      throw tooMany(`more records than can be replayed within ${limits.budgetMs / 1000} seconds`, days);
    after = page.next;
    // The next request waiting gets its turn between pages.
    if (after !== undefined) await nextTurn();
  } while (after !== undefined);
  return tally.figures({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
}

/**
 * What the plan reads of a record: records alike in it (one sender writing to the same partners all month) plan
 * alike, addresses aside, so each shape is planned once per policy.
 */
function shapeOf(record: DecisionRecord): string {
  const facts = record.recipients.map((r) => [
    r.domain,
    r.internal,
    r.transport,
    r.key,
    r.keySource,
    r.signIn,
  ]);
  return JSON.stringify([record.classification, record.passcodeSet, facts]);
}

function outcomeOf(plan: Plan): Outcome {
  return { action: plan.action, protections: plan.recipients.map((r) => r.protection) };
}

/** Outcomes by shape, for one preview: bounded, as the records are many and may all differ. */
class Outcomes {
  private readonly byShape = new Map<string, [Outcome, Outcome]>();

  constructor(
    private readonly running: Policy,
    private readonly edited: Policy,
    private readonly maxShapes = 10_000,
  ) {}

  of(record: DecisionRecord): [Outcome, Outcome] {
    const shape = shapeOf(record);
    let found = this.byShape.get(shape);
    if (found === undefined) {
      found = [outcomeOf(replay(record, this.running)), outcomeOf(replay(record, this.edited))];
      if (this.byShape.size < this.maxShapes) this.byShape.set(shape, found);
    }
    return found;
  }
}

function tooMany(what: string, days: number): SendguardError {
  return new SendguardError('PREVIEW_TOO_LARGE', `the last ${days} days hold ${what}: preview fewer days`);
}
