/**
 * Every mailbox-access case of the offline test bed (real Dovecot instances, the bed's signed zone with RFC 6186
 * SRV records, autoconfig files on its HTTPS host) gets the verdict its note promises, for the reason it promises,
 * and every verdict word is produced by at least one case.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAILBOX_ACCESS_VERDICTS } from '../../../src/core/vocabulary';
import { createDnsClient, parseServerSpec } from '../../../src/server/dns';
import {
  checkMailboxAccess,
  type MailboxAccessReport,
  type MailboxCheckDeps,
} from '../../../src/server/mailbox';
import { TESTBED_DIR, testbed } from '../../helpers/testbed';

interface MailboxCase {
  domain: string;
  verdict: string;
  /** Words one of the reasons must contain: what decided the verdict, not only the verdict word. */
  reason: string;
  note: string;
}

const DEADLINE_MS = 8000;
const cases = JSON.parse(readFileSync(join(TESTBED_DIR, 'mailbox-cases.json'), 'utf8')) as MailboxCase[];
const reports = new Map<string, MailboxAccessReport>();
let deps: MailboxCheckDeps;

beforeAll(async () => {
  const bed = testbed();
  deps = {
    dns: createDnsClient({ servers: [parseServerSpec(bed.dns)], trustAd: true }),
    allowPrivateAddresses: true,
    ca: readFileSync(bed.caFile),
    schedule: <T>(task: () => Promise<T>) => task(),
    heloName: 'probe.sendguard.test',
  };
  const all = await Promise.all(
    cases.map((c) => checkMailboxAccess(c.domain, deps, { deadlineMs: DEADLINE_MS })),
  );
  all.forEach((report) => reports.set(report.domain, report));
}, 60_000);

describe('mailbox access on the offline test bed', () => {
  test.each(cases.map((c) => [c.domain, c.verdict, c.reason] as const))(
    '%s is %s',
    (domain, verdict, reason) => {
      const report = reports.get(domain)!;
      // The reasons come along so that a wrong verdict shows why it was reached.
      const { verdict: found, incomplete, reasons } = report;
      expect({ domain, verdict: found, incomplete, reasons }).toMatchObject({
        domain,
        verdict,
        incomplete: false,
      });
      expect(report.reasons).toContainEqual(expect.stringContaining(reason));
    },
  );

  test('every verdict word is produced by some case', () => {
    const produced = new Set([...reports.values()].map((report) => report.verdict));
    expect(MAILBOX_ACCESS_VERDICTS.filter((verdict) => !produced.has(verdict))).toEqual([]);
  });

  test('the tls-only Dovecot: all six endpoints tls-only, each with a trusted certificate naming it', () => {
    const tlsOnly = reports.get('mbx-tls-only.sendguard.test')!;
    expect(tlsOnly.endpoints.map((e) => `${e.protocol} ${e.port} ${e.security} ${e.verdict}`).sort()).toEqual(
      [
        'imap 143 starttls tls-only',
        'imap 993 implicit tls-only',
        'pop3 110 starttls tls-only',
        'pop3 995 implicit tls-only',
        'submission 465 implicit tls-only',
        'submission 587 starttls tls-only',
      ],
    );
    for (const endpoint of tlsOnly.endpoints) {
      expect(endpoint.tls?.certificate).toMatchObject({ trusted: true, nameMatches: true });
    }
  });

  test('without --allow-private nothing on the bed is contacted: the endpoints are not probed, the verdict is unknown', async () => {
    const report = await checkMailboxAccess(
      'mbx-tls-only.sendguard.test',
      { ...deps, allowPrivateAddresses: false },
      { deadlineMs: DEADLINE_MS },
    );
    expect(report.verdict).toBe('unknown');
    expect(new Set(report.endpoints.map((endpoint) => endpoint.outcome))).toEqual(new Set(['not-allowed']));
    expect(report.reasons).toContainEqual(expect.stringContaining('may not be probed'));
  });
});
