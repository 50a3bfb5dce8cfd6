/**
 * One transport, mailbox access or key check as the API runs it: bounded by its own deadline (it may outlive the request that
 * started it, so the service can cache the answer for the next one), counted, and never rejecting — a failed
 * check is an `unknown` verdict, which fails closed in the plan.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { DomainAssessment, KeyAssessment, MailboxAccessAssessment } from '../../core/wire';
import type { Metrics } from '../observability/metrics';
import type { KeyService, MailboxAccessService, TransportService } from '../services';
import { madeOnce } from '../store/made-once';

export interface LookupDeps {
  transport: TransportService;
  keys: KeyService;
  /** How recipient domains' users reach their mail; without it, answers carry no mailbox access. */
  mailbox?: MailboxAccessService | undefined;
  metrics: Metrics;
  lookupDeadlineMs: number;
  log: FastifyBaseLogger;
  /** One deadline shared by a batch's lookups; each lookup makes its own when absent. */
  signal?: AbortSignal;
}

const FAILED = 'the check failed; ask again shortly';

type Check = 'transport' | 'mailbox' | 'key';

async function bounded<T extends { verdict: string }>(
  check: Check,
  run: (signal: AbortSignal) => Promise<T>,
  failed: () => T,
  deps: LookupDeps,
): Promise<T> {
  try {
    const result = await run(deps.signal ?? AbortSignal.timeout(deps.lookupDeadlineMs));
    deps.metrics.probeOutcomes.inc({ check, verdict: result.verdict });
    return result;
  } catch (error) {
    // The code only: a service's message may name the domain or address it was checking.
    deps.log.warn({ check, code: (error as { code?: string }).code ?? 'UNEXPECTED' }, 'check failed');
    deps.metrics.probeOutcomes.inc({ check, verdict: 'error' });
    return failed();
  }
}

/**
 * The checks' answers held in memory, for one batch: `domain` and `key` (an address's `mailboxKey`) give what the
 * services hold (undefined when a check has to run), and `count` adds them to the outcomes as the checks run would
 * be, one count per verdict rather than one per lookup: a warm 20-recipient message has some 27 of them.
 */
export function keptAssessments(deps: LookupDeps) {
  const tally: Record<Check, Map<string, number>> = {
    transport: new Map(),
    mailbox: new Map(),
    key: new Map(),
  };
  const counted = <T extends { verdict: string }>(check: Check, kept: T | undefined) => {
    if (kept !== undefined) tally[check].set(kept.verdict, (tally[check].get(kept.verdict) ?? 0) + 1);
    return kept;
  };
  return {
    domain: (domain: string) => counted('transport', deps.transport.kept?.(domain)),
    mailbox: (domain: string) => counted('mailbox', deps.mailbox?.kept?.(domain)),
    key: (key: string) => counted('key', deps.keys.kept?.(key)),
    count(): void {
      for (const check of ['transport', 'mailbox', 'key'] as const) {
        for (const [verdict, times] of tally[check])
          deps.metrics.probeOutcomes.inc({ check, verdict }, times);
        tally[check].clear();
      }
    },
  };
}

export function boundedDomainAssessment(domain: string, deps: LookupDeps): Promise<DomainAssessment> {
  return bounded<DomainAssessment>(
    'transport',
    (signal) => deps.transport.assess(domain, { signal }),
    () => ({ domain, verdict: 'unknown', reasons: [FAILED] }),
    deps,
  );
}

/** How the domain's users reach their mail, where the service has the check; `unknown` when it failed. */
export function boundedMailboxAccess(
  domain: string,
  mailbox: MailboxAccessService,
  deps: LookupDeps,
): Promise<MailboxAccessAssessment> {
  return bounded<MailboxAccessAssessment>(
    'mailbox',
    (signal) => mailbox.assess(domain, { signal }),
    () => ({ verdict: 'unknown', reasons: [FAILED] }),
    deps,
  );
}

export function boundedKeyAssessment(address: string, deps: LookupDeps): Promise<KeyAssessment> {
  return bounded<KeyAssessment>(
    'key',
    (signal) => deps.keys.lookup(address, { signal }),
    () => ({ address, verdict: 'unknown', reasons: [FAILED] }),
    deps,
  );
}

/** Made once per assessment the key service keeps, so that it too is one object from call to call. */
const unarmored = madeOnce((key: KeyAssessment): KeyAssessment => {
  const { armoredKey: _armored, ...rest } = key;
  return rest;
});

/**
 * The key as a client may see it: the armored key only when asked for and usable. One without an armored key is
 * handed on as it is, the same object the service holds, and one with it the same copy each time, so that its
 * JSON is written once (`assess-json.ts`).
 */
export function withoutArmor(key: KeyAssessment): KeyAssessment {
  return key.armoredKey === undefined ? key : unarmored(key);
}
