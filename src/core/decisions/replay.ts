/**
 * A decision record planned again under a policy (the admin's policy preview): its recipients and what was
 * assessed of them rebuilt from the record, its classification and passcode as they were, so that the same plan
 * as the send check's comes out under the policy in force, and the edited policy's plan beside it; and the
 * preview's figures, counted over the records: messages per action and recipients per protection before and after,
 * and the domains whose recipients move from one protection to another.
 */
import type { Recipient } from '../addresses';
import { planMessage, type Plan, type PlanInput } from '../plan';
import type { Policy } from '../policy/schema';
import { PROTECTIONS, type MessageAction, type Protection } from '../vocabulary';
import type { Assessments } from '../wire';
import { MESSAGE_ACTIONS, type DecisionRecord } from './record';

/**
 * The recipient as the plan reads it. A pseudonymous address (`<32 hex>@domain`) is still an address of its domain,
 * which is all the policy looks at; each recipient is one entry of To (the fields do not change a protection).
 */
function recipientOf({ address, domain }: DecisionRecord['recipients'][number]): Recipient {
  return { address, localPart: address.slice(0, address.lastIndexOf('@')), domain, fields: ['to'] };
}

/**
 * What the send check knew of the record's recipients: each external domain's verdict, each address's key
 * verdict and source, and the sign-in provider named (by its id: its label was not kept). The reasons and the key
 * itself were not kept; the plan's choice depends on the verdicts only.
 */
function assessmentsOf(record: DecisionRecord): Assessments {
  const domains = new Map<string, Assessments['domains'][number]>();
  for (const { domain, transport } of record.recipients) {
    if (transport !== undefined) domains.set(domain, { domain, verdict: transport, reasons: [] });
  }
  return {
    domains: [...domains.values()],
    keys: record.recipients.map(({ address, key, keySource }) => ({
      address,
      verdict: key,
      ...(keySource ? { source: keySource } : {}),
      reasons: [],
    })),
    signIn: record.recipients.flatMap(({ address, signIn }) =>
      signIn ? [{ address, provider: signIn, label: signIn }] : [],
    ),
  };
}

/** The plan's input for `record` under `policy`; a classification `policy` does not have counts as its default. */
function replayInput(record: DecisionRecord, policy: Policy): PlanInput {
  const known = policy.classifications.some((c) => c.name === record.classification);
  return {
    recipients: record.recipients.map(recipientOf),
    assessments: assessmentsOf(record),
    classification: known ? record.classification : policy.defaultClassification,
    policy,
    passcodeSet: record.passcodeSet,
  };
}

/** `record` planned again under `policy`. */
export function replay(record: DecisionRecord, policy: Policy): Plan {
  return planMessage(replayInput(record, policy));
}

/** The answer of `POST /api/v1/admin/policy/preview`. */
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

/**
 * A policy's domain overrides by pattern, so that a record is planned under the policy with only the overrides that
 * name one of its domains: the plan looks up each recipient's domain among all overrides (up to 10 000), which a
 * record of 500 recipients would do thousands of times. The overrides kept stay in their order, and an override
 * that names none of the record's domains changes nothing of its plan (policy/match.ts: `*.example.org` names the
 * names below example.org, an exact pattern that name only).
 */
class OverrideIndex {
  /** By pattern (patterns are unique in a valid policy), with the override's place in the list. */
  private readonly byPattern = new Map<string, number>();

  constructor(private readonly policy: Policy) {
    policy.domains.forEach((override, index) => this.byPattern.set(override.domain, index));
  }

  /** The policy with the overrides naming one of `domains`, in the policy's order. */
  for(domains: ReadonlySet<string>): Policy {
    const kept = new Set<number>();
    for (const domain of domains) {
      const exact = this.byPattern.get(domain);
      if (exact !== undefined) kept.add(exact);
      for (let dot = domain.indexOf('.'); dot >= 0; dot = domain.indexOf('.', dot + 1)) {
        const wildcard = this.byPattern.get(`*${domain.slice(dot)}`);
        if (wildcard !== undefined) kept.add(wildcard);
      }
    }
    const domainsKept = [...kept].sort((a, b) => a - b).map((index) => this.policy.domains[index]!);
    return { ...this.policy, domains: domainsKept };
  }
}

/**
 * Outcomes by shape, for one preview, under the running and the edited policy. The cache is bounded by the
 * recipients it holds (a shape's key and outcomes grow with its recipients), as the records are many and may all
 * differ.
 */
export class Outcomes {
  private readonly byShape = new Map<string, [Outcome, Outcome]>();
  private readonly running: OverrideIndex;
  private readonly edited: OverrideIndex;
  private cachedRecipients = 0;

  constructor(
    running: Policy,
    edited: Policy,
    private readonly maxCachedRecipients = 100_000,
  ) {
    this.running = new OverrideIndex(running);
    this.edited = new OverrideIndex(edited);
  }

  of(record: DecisionRecord): [Outcome, Outcome] {
    const shape = shapeOf(record);
    let found = this.byShape.get(shape);
    if (found === undefined) {
      const domains = new Set(record.recipients.map((r) => r.domain));
      found = [
        outcomeOf(replay(record, this.running.for(domains))),
        outcomeOf(replay(record, this.edited.for(domains))),
      ];
      const size = record.recipients.length;
      if (this.cachedRecipients + size <= this.maxCachedRecipients) {
        this.byShape.set(shape, found);
        this.cachedRecipients += size;
      }
    }
    return found;
  }
}
