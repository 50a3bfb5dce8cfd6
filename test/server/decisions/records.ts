/**
 * Decision records for the tests, and the overview's figures worked out from them here, record by record, without
 * SQL: what the store and the route answer is checked against this.
 */
import type { DecisionRecord, DecisionRecordRecipient } from '../../../src/core/decisions/record';
import { PROTECTIONS, TRANSPORT_VERDICTS, type Protection } from '../../../src/core/vocabulary';

export const DAY = 86_400_000;

export function recipient(
  address: string,
  protection: Protection,
  more: Partial<DecisionRecordRecipient> = {},
): DecisionRecordRecipient {
  const domain = address.slice(address.indexOf('@') + 1);
  const internal = protection === 'internal';
  return {
    address,
    domain,
    internal,
    ...(internal ? {} : { transport: 'encrypted' as const }),
    key: 'none',
    protection,
    ...more,
  };
}

export function record(
  at: number,
  recipients: DecisionRecordRecipient[],
  more: Partial<Omit<DecisionRecord, 'id'>> = {},
): Omit<DecisionRecord, 'id'> {
  return {
    at: new Date(at).toISOString(),
    policyVersion: 'v1',
    host: 'outlook',
    sender: 'ana@example.org',
    pseudonymous: false,
    classification: 'confidential',
    action: 'escrow',
    outcome: 'protected',
    passcodeSet: false,
    recipients,
    ...more,
  };
}

/** What the figures are counted from: when a record was made, what became of the message, and its recipients. */
type Stored = Pick<DecisionRecord, 'at' | 'outcome' | 'recipients'>;

/** Whom the overview counts where: a stopped message's recipients as blocked, a message sent anyway's as none. */
function counted(r: Stored, each: DecisionRecordRecipient): Protection {
  if (r.outcome === 'blocked' || r.outcome === 'prompted') return 'blocked';
  if (r.outcome === 'overridden' && !each.internal) return 'none';
  return each.protection;
}

/** Records in [from, to), in the order they were made (ties: the order given, as ids are random then). */
function inRange(records: Stored[], from: number, to: number): Stored[] {
  return records.filter((r) => Date.parse(r.at) >= from && Date.parse(r.at) < to);
}

export function expectedDays(records: Stored[], from: number, to: number) {
  const days = new Map<number, { day: number; messages: number } & Record<Protection, number>>();
  for (const r of inRange(records, from, to)) {
    const day = Math.floor(Date.parse(r.at) / DAY);
    const entry =
      days.get(day) ??
      ({ day, messages: 0, ...Object.fromEntries(PROTECTIONS.map((p) => [p, 0])) } as {
        day: number;
        messages: number;
      } & Record<Protection, number>);
    entry.messages += 1;
    for (const each of r.recipients) entry[counted(r, each)] += 1;
    days.set(day, entry);
  }
  return [...days.values()].sort((a, b) => a.day - b.day);
}

export function expectedTopDomains(records: Stored[], from: number, to: number, top: number) {
  const domains = new Map<string, { domain: string; blocked: number; escrow: number; recipients: number }>();
  for (const r of inRange(records, from, to)) {
    for (const each of r.recipients.filter((x) => !x.internal)) {
      const entry = domains.get(each.domain) ?? { domain: each.domain, blocked: 0, escrow: 0, recipients: 0 };
      entry.recipients += 1;
      if (counted(r, each) === 'blocked') entry.blocked += 1;
      if (counted(r, each) === 'escrow') entry.escrow += 1;
      domains.set(each.domain, entry);
    }
  }
  return [...domains.values()]
    .filter((d) => d.blocked + d.escrow > 0)
    .sort(
      (a, b) =>
        b.blocked + b.escrow - (a.blocked + a.escrow) ||
        b.recipients - a.recipients ||
        (a.domain < b.domain ? -1 : 1),
    )
    .slice(0, top);
}

/** The last word on each external domain or address: later records, and later in a record, win. */
function latestBy<T>(records: Stored[], from: number, to: number, keyOf: (r: DecisionRecordRecipient) => T) {
  const latest = new Map<T, DecisionRecordRecipient>();
  const ordered = inRange(records, from, to).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const r of ordered) for (const each of r.recipients) if (!each.internal) latest.set(keyOf(each), each);
  return [...latest.values()];
}

export function expectedTransportShare(records: Stored[], from: number, to: number) {
  const latest = latestBy(records, from, to, (r) => r.domain);
  return TRANSPORT_VERDICTS.map((verdict) => ({
    verdict,
    domains: latest.filter((r) => r.transport === verdict).length,
  })).filter((share) => share.domains > 0);
}

export function expectedKeyCoverage(records: Stored[], from: number, to: number) {
  const latest = latestBy(records, from, to, (r) => r.address);
  return { withKey: latest.filter((r) => r.key === 'valid').length, total: latest.length };
}
