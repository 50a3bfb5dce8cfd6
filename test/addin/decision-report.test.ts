/**
 * The send check reports what it let happen, once it has decided: the outcome for each kind of decision, the plan's
 * facts per recipient (an applied protection recorded in place of the plan's), nothing of the message's content;
 * and a report that hangs or fails costs the send a second at most and changes nothing of the decision. Last, the
 * real client reports to a real service, which keeps the record.
 */
import type { AddressInfo } from 'node:net';
import type { AssessAnswer, Backend } from '../../src/addin/backend';
import { createBackend } from '../../src/addin/backend';
import { decisionReport } from '../../src/addin/decision-report';
import {
  APPLIED_HEADER,
  CLASSIFICATION_HEADER,
  appliedRecord,
  formatApplied,
} from '../../src/addin/protect/applied';
import type { MessageReader } from '../../src/addin/read-message';
import { checkSend, type SendDecision } from '../../src/addin/send-check';
import type { DecisionReport } from '../../src/core/decisions/record';
import type { KeyVerdict, TransportVerdict } from '../../src/core/vocabulary';
import { issueApiToken } from '../../src/server/auth/api-tokens';
import { assessedRecipient } from '../helpers/assess-answer';
import { defaultPolicy } from '../helpers/policy';
import { deployedTestApp } from '../server/api/fakes';

const SSN = 'Her SSN is 123-45-6789.';
const IBAN = 'Pay to DE89 3704 0044 0532 0130 00.';

function hostOf(to: string[], text: string, headers: Record<string, string> = {}): MessageReader {
  return {
    getRecipients: async () => ({ to: to.map((address) => ({ address })), cc: [], bcc: [] }),
    getSubject: async () => 'Quarterly salaries: confidential',
    getBody: async () => text,
    getHeader: async (name) => headers[name],
  };
}

function assessed(
  address: string,
  transport: TransportVerdict,
  key: KeyVerdict = 'none',
): AssessAnswer['recipients'][number] {
  const answer = assessedRecipient(address, transport);
  if (address.endsWith('@example.gov')) {
    const { transport: _none, ...internal } = answer;
    return { ...internal, internal: true };
  }
  return key === 'valid'
    ? {
        ...answer,
        key: { address, verdict: 'valid', source: 'wkd', fingerprint: 'A'.repeat(40), reasons: [] },
      }
    : { ...answer, key: { address, verdict: key, reasons: [] } };
}

interface Reporting extends Backend {
  reports: DecisionReport[];
}

/** A backend answering `recipients`, keeping every report sent, which `reported` settles (or never does). */
function backendOf(
  recipients: AssessAnswer['recipients'],
  reported: (report: DecisionReport) => Promise<void> = async () => undefined,
  invalid: AssessAnswer['invalid'] = [],
): Reporting {
  const reports: DecisionReport[] = [];
  return {
    reports,
    policy: async () => ({ version: 'v1', policy: defaultPolicy() }),
    assess: async () => ({ policyVersion: 'v1', partial: false, recipients, invalid }),
    acceptKey: () => Promise.reject(new Error('no key to accept here')),
    reportDecision: (report) => {
      reports.push(report);
      return reported(report);
    },
  };
}

const external = (address: string, protection: string, more: Record<string, unknown> = {}) => ({
  address,
  internal: false,
  transport: 'authenticated',
  key: 'none',
  protection,
  ...more,
});

describe('the outcome reported for each kind of decision', () => {
  test('plain mail the policy allows: allowed', async () => {
    const backend = backendOf([
      assessed('bo@partner.example', 'authenticated'),
      assessed('cy@example.gov', 'unknown'),
    ]);
    const decision = await checkSend(
      hostOf(['bo@partner.example', 'cy@example.gov'], 'Lunch?'),
      backend,
      'outlook',
    );
    expect(decision.kind).toBe('allow');
    expect(backend.reports).toEqual([
      {
        host: 'outlook',
        classification: 'normal',
        action: 'send',
        outcome: 'allowed',
        passcodeSet: false,
        recipients: [
          external('bo@partner.example', 'none'),
          // Internal: its mail never leaves, so no transport verdict goes with it.
          { address: 'cy@example.gov', internal: true, key: 'none', protection: 'internal' },
        ],
      },
    ]);
  });

  test('forced TLS: tagged', async () => {
    const backend = backendOf([assessed('bo@partner.example', 'authenticated')]);
    const decision = await checkSend(hostOf(['bo@partner.example'], IBAN), backend, 'thunderbird');
    expect(decision).toMatchObject({
      kind: 'allow',
      changes: { headers: { 'X-Sendguard-Force-TLS': 'yes' } },
    });
    expect(backend.reports).toEqual([
      {
        host: 'thunderbird',
        classification: 'confidential',
        action: 'tag',
        outcome: 'tagged',
        passcodeSet: false,
        recipients: [external('bo@partner.example', 'tls')],
      },
    ]);
  });

  test('a protection still to apply: blocked, with the plan as decided', async () => {
    const backend = backendOf([assessed('bo@partner.example', 'none')]);
    const host = hostOf(['bo@partner.example'], SSN, { [CLASSIFICATION_HEADER]: 'restricted' });
    const decision = await checkSend(host, backend, 'outlook');
    expect(decision.kind).toBe('block');
    expect(backend.reports).toEqual([
      {
        host: 'outlook',
        classification: 'restricted',
        action: 'escrow',
        outcome: 'blocked',
        passcodeSet: false,
        recipients: [external('bo@partner.example', 'escrow', { transport: 'none' })],
      },
    ]);
  });

  test('a protection applied in the pane that covers the message: protected, recorded as the one applied', async () => {
    // The plan would take OpenPGP (the recipient has a key); the sender applied secure pickup, which it allows.
    const applied = appliedRecord('escrow', 'restricted', ['bo@partner.example'], () => 'a1b2c3d4');
    const host = hostOf(['bo@partner.example'], SSN, {
      [APPLIED_HEADER]: formatApplied(applied),
      [CLASSIFICATION_HEADER]: 'restricted',
    });
    const backend = backendOf([assessed('bo@partner.example', 'encrypted', 'valid')]);
    const decision = await checkSend(host, backend, 'outlook');
    expect(decision).toEqual({ kind: 'allow', why: 'already protected by escrow' });
    expect(backend.reports).toEqual([
      {
        host: 'outlook',
        classification: 'restricted',
        action: 'pgp',
        outcome: 'protected',
        passcodeSet: false,
        recipients: [
          external('bo@partner.example', 'escrow', {
            transport: 'encrypted',
            key: 'valid',
            keySource: 'wkd',
          }),
        ],
      },
    ]);
  });

  test('a recipient that is no address: blocked, with the recipients that are', async () => {
    const backend = backendOf([assessed('bo@partner.example', 'authenticated')], undefined, [
      { input: 'not an address', reason: 'no @' },
    ]);
    const decision = await checkSend(
      hostOf(['bo@partner.example', 'not an address'], 'Hi'),
      backend,
      'outlook',
    );
    expect(decision.kind).toBe('block');
    expect(backend.reports.map((r) => [r.outcome, r.recipients.map((x) => x.address)])).toEqual([
      ['blocked', ['bo@partner.example']],
    ]);
  });

  test('no subject, body or attachment name is in any report', async () => {
    const backend = backendOf([assessed('bo@partner.example', 'none')]);
    await checkSend(hostOf(['bo@partner.example'], SSN), backend, 'outlook');
    expect(backend.reports).toHaveLength(1);
    const sent = JSON.stringify(backend.reports);
    expect(sent).not.toContain('salaries');
    expect(sent).not.toContain('123-45-6789');
    expect(sent).not.toContain('SSN');
  });

  test('without a host to report as (the pane’s own checks), nothing is reported', async () => {
    const backend = backendOf([assessed('bo@partner.example', 'authenticated')]);
    await checkSend(hostOf(['bo@partner.example'], IBAN), backend);
    expect(backend.reports).toEqual([]);
  });

  test('a message that could not be planned has nothing to report', async () => {
    const backend = backendOf([]);
    backend.assess = () => Promise.reject(new Error('down'));
    expect((await checkSend(hostOf(['bo@partner.example'], IBAN), backend, 'outlook')).kind).toBe(
      'unanswered',
    );
    expect(backend.reports).toEqual([]);
  });
});

describe('a report that hangs or fails', () => {
  afterEach(() => jest.useRealTimers());

  /** The decision of `checkSend` once `ms` have passed on a fake clock, or `pending`. */
  async function decisionAfter(backend: Backend, ms: number) {
    jest.useFakeTimers();
    let decision: SendDecision | 'pending' = 'pending';
    const checked = checkSend(hostOf(['bo@partner.example'], IBAN), backend, 'outlook').then((d) => {
      decision = d;
    });
    await jest.advanceTimersByTimeAsync(ms);
    const seen = decision;
    await jest.advanceTimersByTimeAsync(10_000);
    await checked;
    return { seen, final: decision as SendDecision | 'pending' };
  }

  test('one that never answers holds the send one second, then the decision stands, no timer left', async () => {
    const never = backendOf(
      [assessed('bo@partner.example', 'authenticated')],
      () => new Promise(() => undefined),
    );
    expect((await decisionAfter(never, 999)).seen).toBe('pending');
    const { seen, final } = await decisionAfter(
      backendOf([assessed('bo@partner.example', 'authenticated')], () => new Promise(() => undefined)),
      1000,
    );
    expect(seen).toMatchObject({
      kind: 'allow',
      changes: { subject: '#secure# Quarterly salaries: confidential' },
    });
    expect(final).toEqual(seen);
    expect(jest.getTimerCount()).toBe(0);
  });

  test.each([
    ['rejects', () => Promise.reject(new Error('HTTP 500'))],
    [
      'throws before it starts',
      () => {
        throw new Error('no network');
      },
    ],
  ])('one that %s changes nothing and holds nothing', async (_what, reported) => {
    const failing = backendOf([assessed('bo@partner.example', 'authenticated')], reported as never);
    const { seen } = await decisionAfter(failing, 0);
    expect(seen).toMatchObject({ kind: 'allow', changes: { headers: { 'X-Sendguard-Force-TLS': 'yes' } } });
    expect(failing.reports).toHaveLength(1);
  });

  test('a blocked send stays blocked whatever became of its report', async () => {
    const failing = backendOf([assessed('bo@partner.example', 'none')], () =>
      Promise.reject(new Error('down')),
    );
    const host = hostOf(['bo@partner.example'], SSN, { [CLASSIFICATION_HEADER]: 'restricted' });
    expect((await checkSend(host, failing, 'outlook')).kind).toBe('block');
    expect(failing.reports.map((r) => r.outcome)).toEqual(['blocked']);
  });

  test("the client's report gives up at its own deadline and never rejects", async () => {
    jest.useFakeTimers();
    const asked: string[] = [];
    const backend = createBackend({
      baseUrl: 'https://sendguard.example',
      token: 'sg_x',
      fetch: (url, init) => {
        asked.push(`${init?.method} ${String(url)}`);
        return new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      },
    });
    let settled = false;
    const sent = backend.reportDecision!(decisionReport('outlook', planFixture(), 'allowed')!).then(() => {
      settled = true;
    });
    await jest.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await sent;
    expect(settled).toBe(true);
    expect(asked).toEqual(['POST https://sendguard.example/api/v1/decisions']);
    expect(jest.getTimerCount()).toBe(0);
  });

  test.each([
    ['is refused', async () => new Response('{"error":{"code":"VALIDATION_FAILED"}}', { status: 400 })],
    ['cannot be reached', async () => Promise.reject(new TypeError('fetch failed'))],
  ])("the client's report resolves when the service %s", async (_what, fetchImpl) => {
    const backend = createBackend({ baseUrl: 'https://sendguard.example', fetch: fetchImpl as typeof fetch });
    await expect(
      backend.reportDecision!(decisionReport('thunderbird', planFixture(), 'blocked')!),
    ).resolves.toBeUndefined();
  });
});

/** A plan as the core makes it, for the client's tests. */
function planFixture() {
  return {
    classification: 'normal',
    action: 'send' as const,
    summary: 'Plain mail.',
    recipients: [
      {
        address: 'bo@partner.example',
        domain: 'partner.example',
        fields: ['to' as const],
        internal: false,
        requirement: 'none' as const,
        transport: 'authenticated' as const,
        key: { verdict: 'none' as const },
        allowed: ['none' as const],
        refused: {},
        protection: 'none' as const,
        reason: 'Plain mail is allowed.',
      },
    ],
  };
}

test('the real client reports to a real service as the token’s owner, which keeps the record', async () => {
  const built = await deployedTestApp({
    config: { decisions: { fullAddresses: true } },
  });
  const { app, store } = built;
  try {
    const ana = await issueApiToken(store.tokens, {
      name: 'Ana',
      role: 'sender',
      owner: { address: 'ana@example.org' },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const backend = createBackend({ baseUrl: `http://127.0.0.1:${port}`, token: ana.token });
    const decision = await checkSend(hostOf(['Bo@Partner.example'], 'Lunch?'), backend, 'thunderbird');
    expect(decision.kind).not.toBe('unanswered');
    const listed = await app.inject({
      url: '/api/v1/admin/decisions?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z',
      headers: { authorization: built.adminAuthorization },
    });
    const [record] = listed.json().records;
    expect(record).toMatchObject({
      host: 'thunderbird',
      sender: 'ana@example.org',
      pseudonymous: false,
      classification: 'normal',
      recipients: [{ address: 'bo@partner.example', domain: 'partner.example', internal: false }],
    });
  } finally {
    await app.close();
  }
});
