/**
 * The send handlers report what became of the message once the host has acted on the check's decision: the
 * outcome for each kind of decision, the plan's facts per recipient (an applied protection recorded in place of
 * the plan's), nothing of the message's content; what Outlook and Thunderbird did instead of the decision (a tag
 * not written, a prompt, a "send anyway"); a report that hangs or fails costs the send a second at most, never
 * more than the send budget has left, and changes nothing of the decision. Last, the real client reports to a
 * real service, which keeps the record.
 */
import type { AddressInfo } from 'node:net';
import type { AssessAnswer, Backend } from '../../src/addin/backend';
import { createBackend } from '../../src/addin/backend';
import { decisionReport, reportAnswer, type HostAnswer } from '../../src/addin/decision-report';
import {
  APPLIED_HEADER,
  CLASSIFICATION_HEADER,
  appliedRecord,
  formatApplied,
} from '../../src/addin/protect/applied';
import type { MessageReader } from '../../src/addin/read-message';
import { checkMessage, checkSend, type SendDecision } from '../../src/addin/send-check';
import type { DecisionHost, DecisionReport } from '../../src/core/decisions/record';
import type { Policy } from '../../src/core/policy/schema';
import type { KeyVerdict, TransportVerdict } from '../../src/core/vocabulary';
import { issueApiToken } from '../../src/server/auth/api-tokens';
import { sendHandler, type CompletedOptions } from '../../src/outlook/launchevent';
import { createOfficeHost } from '../../src/outlook/office-host';
import { simulateOffice } from '../../src/outlook/tryit/simulated-office';
import { beforeSend } from '../../src/thunderbird/before-send';
import { grantOverride } from '../../src/thunderbird/prompt-override';
import { saveSettings } from '../../src/thunderbird/settings';
import { assessedRecipient } from '../helpers/assess-answer';
import { ManualClock } from '../helpers/clock';
import { defaultPolicy } from '../helpers/policy';
import { deployedTestApp } from '../server/api/fakes';
import { fakeBackendFetch } from '../thunderbird/fake-backend';
import { fakeMessenger } from '../thunderbird/fake-messenger';

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
  policy: Policy = defaultPolicy(),
): Reporting {
  const reports: DecisionReport[] = [];
  return {
    reports,
    policy: async () => ({ version: 'v1', policy }),
    assess: async () => ({ policyVersion: 'v1', partial: false, recipients, invalid }),
    acceptKey: () => Promise.reject(new Error('no key to accept here')),
    reportDecision: (report) => {
      reports.push(report);
      return reported(report);
    },
  };
}

/** The check's decision, and its report as a host that carried it out (`answer`) makes it. */
async function checkAndReport(
  host: MessageReader,
  backend: Backend,
  as: DecisionHost,
  answer: HostAnswer = 'sent',
): Promise<SendDecision> {
  const { decision, reportable } = await checkMessage(host, backend);
  const clock = new ManualClock();
  await reportAnswer(backend, as, reportable, answer, { startedAt: clock.monotonic(), clock });
  return decision;
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
    const decision = await checkAndReport(
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
    const decision = await checkAndReport(hostOf(['bo@partner.example'], IBAN), backend, 'thunderbird');
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
    const decision = await checkAndReport(host, backend, 'outlook', 'stopped');
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
    const decision = await checkAndReport(host, backend, 'outlook');
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
    const decision = await checkAndReport(
      hostOf(['bo@partner.example', 'not an address'], 'Hi'),
      backend,
      'outlook',
      'stopped',
    );
    expect(decision.kind).toBe('block');
    expect(backend.reports.map((r) => [r.outcome, r.recipients.map((x) => x.address)])).toEqual([
      ['blocked', ['bo@partner.example']],
    ]);
  });

  test('no subject, body or attachment name is in any report', async () => {
    const backend = backendOf([assessed('bo@partner.example', 'none')]);
    await checkAndReport(hostOf(['bo@partner.example'], SSN), backend, 'outlook', 'stopped');
    expect(backend.reports).toHaveLength(1);
    const sent = JSON.stringify(backend.reports);
    expect(sent).not.toContain('salaries');
    expect(sent).not.toContain('123-45-6789');
    expect(sent).not.toContain('SSN');
  });

  test('the check alone (the pane’s own checks) reports nothing', async () => {
    const backend = backendOf([assessed('bo@partner.example', 'authenticated')]);
    await checkSend(hostOf(['bo@partner.example'], IBAN), backend);
    expect(backend.reports).toEqual([]);
  });

  test('a message that could not be planned has nothing to report', async () => {
    const backend = backendOf([]);
    backend.assess = () => Promise.reject(new Error('down'));
    expect((await checkAndReport(hostOf(['bo@partner.example'], IBAN), backend, 'outlook')).kind).toBe(
      'unanswered',
    );
    expect(backend.reports).toEqual([]);
  });
});

describe('a report that hangs or fails', () => {
  afterEach(() => jest.useRealTimers());

  /** The decision once reported once `ms` have passed on a fake clock, or `pending`. */
  async function decisionAfter(backend: Backend, ms: number) {
    jest.useFakeTimers();
    let decision: SendDecision | 'pending' = 'pending';
    const checked = checkAndReport(hostOf(['bo@partner.example'], IBAN), backend, 'outlook').then((d) => {
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
    expect((await checkAndReport(host, failing, 'outlook', 'stopped')).kind).toBe('block');
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

/** Outlook's send handler over the simulated Office, sending to bo@partner.example what `text` says. */
async function outlookSend(
  backend: Backend,
  text: string,
  options: { failTag?: boolean; clock?: ManualClock } = {},
): Promise<Array<CompletedOptions | undefined>> {
  const sim = simulateOffice();
  sim.state.to = [{ emailAddress: 'bo@partner.example', displayName: 'Bo' }];
  sim.state.subject = 'Report';
  sim.state.text = text;
  const completions: Array<CompletedOptions | undefined> = [];
  const handler = sendHandler({
    host: () => {
      const host = createOfficeHost(sim.office as unknown as typeof Office);
      if (!options.failTag) return host;
      return { ...host, setHeaders: () => Promise.reject(new Error('the item is read-only')) };
    },
    backend: () => backend,
    deadlineMs: 8000,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await handler({ completed: (given) => completions.push(given) });
  return completions;
}

/** Raises a message to restricted (a valid SSN; the sample 123-45-6789 is not one). */
const RESTRICTED = 'Her SSN is 234-56-7890.';

const ALLOW_OVERRIDE = defaultPolicy({ onSend: { backendUnreachable: 'block', allowOverride: true } });

describe('the outcome reported is what the host did with the decision', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  test('Outlook: a tag it could not write stopped the message, so blocked, not tagged', async () => {
    const backend = backendOf([assessed('bo@partner.example', 'authenticated')]);
    expect(await outlookSend(backend, IBAN, { failTag: true })).toEqual([
      expect.objectContaining({ allowEvent: false }),
    ]);
    expect(backend.reports.map((r) => [r.action, r.outcome])).toEqual([['tag', 'blocked']]);
    // The tag written: tagged.
    const tagged = backendOf([assessed('bo@partner.example', 'authenticated')]);
    expect(await outlookSend(tagged, IBAN)).toEqual([{ allowEvent: true }]);
    expect(tagged.reports.map((r) => r.outcome)).toEqual(['tagged']);
  });

  test('Outlook: a refusal the sender may send past (SoftBlock) is prompted, as Outlook never tells the answer', async () => {
    const prompting = backendOf([assessed('bo@partner.example', 'none')], undefined, [], ALLOW_OVERRIDE);
    expect(await outlookSend(prompting, RESTRICTED)).toEqual([
      expect.objectContaining({ allowEvent: false, sendModeOverride: 'promptUser' }),
    ]);
    expect(prompting.reports.map((r) => [r.action, r.outcome])).toEqual([['escrow', 'prompted']]);
    const stopping = backendOf([assessed('bo@partner.example', 'none')]);
    await outlookSend(stopping, RESTRICTED);
    expect(stopping.reports.map((r) => r.outcome)).toEqual(['blocked']);
  });

  /** Thunderbird over its fake messenger, with every report the add-on posted. */
  async function thunderbird(policy: Policy) {
    const tb = fakeMessenger();
    const backend = fakeBackendFetch({ transport: { 'partner.example': 'authenticated' }, policy });
    const reports: DecisionReport[] = [];
    const fetchImpl: typeof fetch = async (input, init) => {
      if (!String(input).endsWith('/api/v1/decisions')) return backend(input, init);
      reports.push(JSON.parse(String(init?.body)) as DecisionReport);
      return new Response(null, { status: 204 });
    };
    await saveSettings(tb.storage, { backendUrl: 'https://sendguard.example', token: 'sg_test' });
    tb.events.onBeforeSend.addListener((tab, details) =>
      beforeSend({ api: tb.api, fetch: fetchImpl, clock: new ManualClock() }, tab, details),
    );
    return { tb, reports };
  }

  test('Thunderbird: stopped, then sent anyway after the sender confirmed: blocked, then overridden', async () => {
    const { tb, reports } = await thunderbird(ALLOW_OVERRIDE);
    const tabId = tb.openCompose({ subject: 'Report', to: 'bo@partner.example', body: RESTRICTED }).id!;
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    await grantOverride(tb.storage, tabId);
    expect(await tb.send(tabId)).toMatchObject({ kind: 'sent' });
    expect(reports.map((r) => [r.host, r.action, r.outcome])).toEqual([
      ['thunderbird', 'escrow', 'blocked'],
      ['thunderbird', 'escrow', 'overridden'],
    ]);
  });

  test('Thunderbird: a tag header it will not set stopped the message, so blocked, not tagged', async () => {
    const policy = defaultPolicy();
    policy.tag.header = { name: 'X-Mozilla-Sensitivity', value: 'secure' };
    const { tb, reports } = await thunderbird(policy);
    const tabId = tb.openCompose({ subject: 'Report', to: 'bo@partner.example', body: IBAN }).id!;
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(reports.map((r) => [r.action, r.outcome])).toEqual([['tag', 'blocked']]);
  });
});

describe('the report keeps within the send budget (4.5 s from the handler’s start)', () => {
  afterEach(() => jest.useRealTimers());

  /**
   * Outlook's answer to a check that took `checkMs` on the handler's clock, with a report that never answers: how
   * long (fake time) the report held the send, and the caps it was given.
   */
  async function reportHeld(checkMs: number) {
    jest.useFakeTimers();
    const clock = new ManualClock();
    const backend = backendOf(
      [assessed('bo@partner.example', 'authenticated')],
      () => new Promise(() => undefined),
    );
    const { assess, reportDecision } = backend;
    backend.assess = async (recipients) => {
      clock.advance(checkMs);
      return assess(recipients);
    };
    const caps: Array<number | undefined> = [];
    let reportedAt: number | undefined;
    backend.reportDecision = (report, capMs) => {
      caps.push(capMs);
      reportedAt = Date.now();
      return reportDecision!(report);
    };
    let answeredAt: number | undefined;
    const sent = outlookSend(backend, IBAN, { clock }).then((completions) => {
      answeredAt = Date.now();
      return completions;
    });
    await jest.advanceTimersByTimeAsync(5000);
    expect(await sent).toEqual([{ allowEvent: true }]);
    expect(jest.getTimerCount()).toBe(0);
    return { held: reportedAt === undefined ? 0 : answeredAt! - reportedAt, caps };
  }

  test('a check that took 4 s leaves the report half a second', async () => {
    expect(await reportHeld(4000)).toEqual({ held: 500, caps: [500] });
  });

  test('a quick check leaves the report its second', async () => {
    expect(await reportHeld(100)).toEqual({ held: 1000, caps: [1000] });
  });

  test('a check that used the budget up sends no report', async () => {
    expect(await reportHeld(4500)).toEqual({ held: 0, caps: [] });
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
    const decision = await checkAndReport(hostOf(['Bo@Partner.example'], 'Lunch?'), backend, 'thunderbird');
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
