/**
 * The on-send check (`compose.onBeforeSend`) against the fake `messenger`: re-check, tag, allow, cancel; state
 * that survives the event page being suspended; a backend that is down; and what the sender is told.
 */
import { APPLIED_HEADER, appliedRecord, formatApplied } from '../../src/addin/protect/applied';
import { createBackend } from '../../src/addin/backend';
import { loadMessage, planWith } from '../../src/addin/state';
import { beforeSend } from '../../src/thunderbird/before-send';
import { createComposeHost } from '../../src/thunderbird/compose-host';
import type { ComposeDetails } from '../../src/thunderbird/messenger';
import { grantOverride, OVERRIDE_MS } from '../../src/thunderbird/prompt-override';
import { saveSettings } from '../../src/thunderbird/settings';
import { ManualClock } from '../helpers/clock';
import { defaultPolicy } from '../helpers/policy';
import { fakeBackendFetch, type FakeBackendOptions } from './fake-backend';
import { fakeMessenger, type FakeMessenger } from './fake-messenger';

const TLS_OK = { 'tls-valid.sendguard.test': 'encrypted', 'mailbox.sendguard.test': 'encrypted' };
const IBAN = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';
const SSN = 'Her SSN is 234-56-7890.';
const ARMORED = '-----BEGIN PGP MESSAGE-----\n\nwcBMA0x\n=abcd\n-----END PGP MESSAGE-----\n';

let warn: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

/** What the add-on recorded on the console: each failure's first line. */
const warned = () => warn.mock.calls.map((call) => String(call[0]));

async function setUp(backend: FakeBackendOptions, configured = true) {
  const tb = fakeMessenger();
  const fetch = fakeBackendFetch(backend);
  const clock = new ManualClock();
  if (configured)
    await saveSettings(tb.storage, { backendUrl: 'https://sendguard.example', token: 'sg_test' });
  tb.events.onBeforeSend.addListener((tab, details) =>
    beforeSend({ api: tb.api, fetch, clock }, tab, details),
  );
  return { tb, fetch, clock };
}

function compose(tb: FakeMessenger, details: ComposeDetails): number {
  return tb.openCompose({ subject: 'Report', ...details }).id!;
}

describe('compose.onBeforeSend', () => {
  test('a confidential message to recipients with good TLS is tagged through the returned details and sent', async () => {
    const { tb, fetch } = await setUp({ transport: TLS_OK });
    const tabId = compose(tb, {
      to: ['Ann <ann@tls-valid.sendguard.test>'],
      cc: 'obs@mailbox.sendguard.test',
      body: `<p>${IBAN}</p>`,
    });
    const outcome = await tb.send(tabId);
    expect(outcome).toMatchObject({ kind: 'sent', details: { subject: '#secure# Report' } });
    const sent = outcome.kind === 'sent' ? outcome.details : {};
    expect(sent.customHeaders).toContainEqual({ name: 'X-Sendguard-Force-TLS', value: 'yes' });
    // The re-check asked the backend about exactly these recipients, with the token.
    expect(fetch.calls).toContain('https://sendguard.example/api/v1/assess');
    expect(tb.notifications).toEqual([]);
  });

  test('sending twice never doubles the tag', async () => {
    const { tb } = await setUp({ transport: TLS_OK });
    const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test', subject: '#secure# Report', body: IBAN });
    expect(await tb.send(tabId)).toMatchObject({ kind: 'sent', details: { subject: '#secure# Report' } });
  });

  test('a normal message goes unchanged', async () => {
    const { tb } = await setUp({ transport: { 'plain.sendguard.test': 'none' } });
    const tabId = compose(tb, { to: 'bob@plain.sendguard.test', body: 'Lunch at noon?' });
    expect(await tb.send(tabId)).toMatchObject({ kind: 'sent', details: { subject: 'Report' } });
  });

  test('a restricted message nobody protected is cancelled, and the sender is told to open the pane', async () => {
    const { tb } = await setUp({ transport: TLS_OK });
    const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test', body: SSN });
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(tb.notifications).toHaveLength(1);
    expect(tb.notifications[0]!.message).toMatch(/ann@tls-valid\.sendguard\.test/);
    expect(tb.notifications[0]!.message).toMatch(/Click the Sendguard button/);
    expect(tb.badges.get(tabId)).toBe('!');
  });

  test('a message the pane encrypted for exactly these recipients goes; one recipient more and it stops', async () => {
    const { tb } = await setUp({ transport: TLS_OK, keys: { 'ann@tls-valid.sendguard.test': 'KEY' } });
    const record = appliedRecord('pgp', 'restricted', ['ann@tls-valid.sendguard.test'], () =>
      'ab'.repeat(16),
    );
    const protectedMessage: ComposeDetails = {
      to: 'ann@tls-valid.sendguard.test',
      isPlainText: true,
      plainTextBody: ARMORED,
      customHeaders: [{ name: APPLIED_HEADER, value: formatApplied(record) }],
    };
    expect(await tb.send(compose(tb, protectedMessage))).toMatchObject({ kind: 'sent' });
    const widened = compose(tb, { ...protectedMessage, cc: 'eve@tls-valid.sendguard.test' });
    expect(await tb.send(widened)).toEqual({ kind: 'cancelled' });
  });

  test('an applied pgp record on a body that is no longer encrypted does not let the message through', async () => {
    const { tb } = await setUp({ transport: TLS_OK, keys: { 'ann@tls-valid.sendguard.test': 'KEY' } });
    const record = appliedRecord('pgp', 'restricted', ['ann@tls-valid.sendguard.test'], () =>
      'ab'.repeat(16),
    );
    const tabId = compose(tb, {
      to: 'ann@tls-valid.sendguard.test',
      body: `${SSN} (pasted after encrypting)`,
      customHeaders: [{ name: APPLIED_HEADER, value: formatApplied(record) }],
    });
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
  });

  test('backend unreachable: cancelled, and the sender is told why', async () => {
    const { tb } = await setUp({ down: true });
    const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test', body: 'Lunch?' });
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(tb.notifications[0]!.message).toMatch(/could not be reached/);
  });

  test('not set up yet: cancelled, with where to set it up', async () => {
    const { tb } = await setUp({ transport: TLS_OK }, false);
    const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test', body: 'Lunch?' });
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(tb.notifications[0]!.message).toMatch(/options/);
  });

  test('an unexpected failure (storage broken) cancels rather than hanging or sending', async () => {
    const { tb } = await setUp({ transport: TLS_OK });
    tb.storage.get = () => Promise.reject(new Error('storage corrupt'));
    const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test', body: 'Lunch?' });
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(tb.notifications[0]!.message).toContain('could not check this message (storage corrupt)');
    expect(tb.notifications[0]!.message).toContain('Try sending again');
    expect(warned()).toContainEqual(
      expect.stringContaining('the send check failed [UNEXPECTED]: storage corrupt'),
    );
  });

  test('a message whose details cannot be read: cancelled, saying what could not be read', async () => {
    const { tb } = await setUp({ transport: TLS_OK });
    const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test', body: IBAN });
    const broken = tb.events.onBeforeSend.listeners.values().next().value!;
    tb.events.onBeforeSend.listeners.clear();
    // Thunderbird handing over custom headers in a shape it never documented: reading them throws.
    tb.events.onBeforeSend.addListener((tab, details) =>
      broken(tab, { ...details, customHeaders: 'X-Odd: 1' as never }),
    );
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(tb.notifications[0]!.message).toMatch(/could not read this message \(.+\)/);
    expect(tb.notifications[0]!.message).toContain('did not send it');
    expect(warned()).toContainEqual(expect.stringContaining('reading the message for the send check failed'));
  });

  test('a notification that cannot be shown still cancels, and the failure to tell is recorded', async () => {
    const { tb } = await setUp({ down: true });
    tb.api.notifications.create = () => Promise.reject(new Error('notifications are switched off'));
    const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test', body: 'Lunch?' });
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(tb.badges.get(tabId)).toBe('!');
    expect(warned()).toContainEqual(
      expect.stringContaining(
        'showing why the message was stopped failed [UNEXPECTED]: notifications are switched off',
      ),
    );
  });

  test('a policy header Thunderbird will not set cancels the send instead of locking the window', async () => {
    const policy = defaultPolicy();
    policy.tag.header = { name: 'Sensitivity', value: 'secure' };
    const { tb } = await setUp({ transport: TLS_OK, policy });
    const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test', body: IBAN });
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(tb.notifications[0]!.message).toMatch(/Sensitivity/);
  });

  test('policy `prompt`: cancelled and asked; "Send anyway" lets the same recipients through once', async () => {
    const policy = defaultPolicy({ onSend: { ...defaultPolicy().onSend, backendUnreachable: 'prompt' } });
    // The policy answers but assess does not: the prompt comes from the policy the backend last gave.
    const { tb } = await setUp({ transport: TLS_OK, policy });
    const down = fakeBackendFetch({ policy });
    const flaky: typeof fetch = (input, init) =>
      String(input).endsWith('/assess') ? Promise.reject(new TypeError('offline')) : down(input, init);
    tb.events.onBeforeSend.listeners.clear();
    tb.events.onBeforeSend.addListener((tab, details) =>
      beforeSend({ api: tb.api, fetch: flaky }, tab, details),
    );
    const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test', body: 'Lunch?' });
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(tb.notifications[0]!.message).toMatch(/Send anyway/);
    await grantOverride(tb.storage, tabId);
    expect(await tb.send(tabId)).toMatchObject({ kind: 'sent' });
    // Used up: the next send is checked (and stopped) again.
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
  });
});

describe('compose.onBeforeSend under a classification that needs TLS to the mailbox', () => {
  const policy = defaultPolicy();
  policy.classifications = policy.classifications.map((c) =>
    c.name === 'confidential' ? { ...c, prefer: ['tls' as const], mailboxAccess: 'tls-only' as const } : c,
  );
  const access = (verdict: string) => ({
    'tls-valid.sendguard.test': { verdict, reasons: [`imap.tls-valid.sendguard.test:143: ${verdict}`] },
  });

  test('a domain whose mailboxes require TLS: tagged and sent; the send check asks for neither mailbox access nor a reply path', async () => {
    const { tb, fetch } = await setUp({ transport: TLS_OK, policy, mailboxAccess: access('tls-only') });
    const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test', body: IBAN });
    expect(await tb.send(tabId)).toMatchObject({ kind: 'sent', details: { subject: '#secure# Report' } });
    expect(fetch.assessBodies).toEqual([{ recipients: ['ann@tls-valid.sendguard.test'] }]);
  });

  test.each(['tls-offered', 'unknown'])(
    'mailbox access %s: cancelled, with the sentence the pane shows',
    async (verdict) => {
      const { tb, fetch } = await setUp({ transport: TLS_OK, policy, mailboxAccess: access(verdict) });
      const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test', body: IBAN });
      const backend = createBackend({ baseUrl: 'https://sendguard.example', token: 'sg_test', fetch });
      const host = createComposeHost(tb.api, tabId, () => false);
      const pane = planWith(await loadMessage({ host, backend }), undefined);
      const sentence = pane.plan.recipients[0]!.refused.tls!;
      expect(sentence).toContain('this message needs TLS all the way to their mailbox');
      expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
      expect(tb.notifications).toHaveLength(1);
      expect(tb.notifications[0]!.message).toContain(sentence);
    },
  );
});

test('policy `allowOverride`: a message the plan refuses can be sent anyway, once, after the sender confirms', async () => {
  const policy = defaultPolicy({ onSend: { backendUnreachable: 'block', allowOverride: true } });
  const { tb } = await setUp({ transport: TLS_OK, policy });
  const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test', body: SSN });
  expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
  expect(tb.notifications[0]!.message).toMatch(/ann@tls-valid\.sendguard\.test.*Send anyway/s);
  await grantOverride(tb.storage, tabId);
  expect(await tb.send(tabId)).toMatchObject({ kind: 'sent' });
  expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
});

test('policy `allowOverride`: a "Send anyway" runs out after ten minutes on the injected clock', async () => {
  const policy = defaultPolicy({ onSend: { backendUnreachable: 'block', allowOverride: true } });
  const { tb, clock } = await setUp({ transport: TLS_OK, policy });
  const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test', body: SSN });
  expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
  await grantOverride(tb.storage, tabId, clock);
  clock.advance(OVERRIDE_MS + 1);
  expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
});

describe('every failure of the send path cancels, with a reason in the notification', () => {
  /** The policy as usual (unless `policy` replaces it); `/assess` answered by `respond`. */
  async function failingAssess(respond: (body: string[]) => Promise<Response>, policy = defaultPolicy()) {
    const normal = fakeBackendFetch({ transport: TLS_OK, policy });
    const fetch: typeof globalThis.fetch = (input, init) =>
      String(input).endsWith('/assess')
        ? respond((JSON.parse(String(init?.body)) as { recipients: string[] }).recipients)
        : normal(input, init);
    const { tb } = await setUp({ transport: TLS_OK, policy });
    tb.events.onBeforeSend.listeners.clear();
    tb.events.onBeforeSend.addListener((tab, details) => beforeSend({ api: tb.api, fetch }, tab, details));
    return tb;
  }

  /** What the good backend answers for these recipients, to be spoilt by a test. */
  async function goodAnswer(recipients: string[]) {
    const response = await fakeBackendFetch({ transport: TLS_OK })('https://x/api/v1/assess', {
      method: 'POST',
      body: JSON.stringify({ recipients }),
    });
    return (await response.json()) as {
      recipients: Array<{ input: string; key: { verdict: string } }>;
      [more: string]: unknown;
    };
  }

  async function cancelledWith(tb: FakeMessenger, ...words: string[]): Promise<void> {
    const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test', body: IBAN });
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(tb.notifications).toHaveLength(1);
    for (const word of words) expect(tb.notifications[0]!.message).toContain(word);
  }

  test.each([401, 403])('HTTP %i: cancelled, and told to check the token', async (status) => {
    const tb = await failingAssess(async () => new Response('{}', { status }));
    await cancelledWith(tb, 'did not accept this add-in’s sign-in', `HTTP ${status}`, 'API token');
  });

  test.each([500, 503])('HTTP %i: cancelled, saying the service refused', async (status) => {
    const tb = await failingAssess(async () => new Response('down', { status }));
    await cancelledWith(tb, 'refused the request', `HTTP ${status}`);
  });

  test('an answer that is not JSON', async () => {
    const tb = await failingAssess(async () => new Response('<html>captive portal</html>'));
    await cancelledWith(tb, 'cannot trust', 'not JSON');
  });

  test('an answer of the wrong shape', async () => {
    const tb = await failingAssess(async () => Response.json({ verdict: 'fine' }));
    await cancelledWith(tb, 'cannot trust', 'policy version is missing');
  });

  test('a verdict outside the vocabulary, naming the recipient', async () => {
    const tb = await failingAssess(async (asked) => {
      const body = await goodAnswer(asked);
      body.recipients[0]!.key.verdict = 'trusted';
      return Response.json(body);
    });
    await cancelledWith(tb, 'ann@tls-valid.sendguard.test', 'key verdict "trusted"');
  });

  test('an answer that leaves a recipient out, naming who', async () => {
    const tb = await failingAssess(async (asked) => Response.json(await goodAnswer(asked.slice(1))));
    await cancelledWith(tb, 'leaves out "ann@tls-valid.sendguard.test"');
  });

  test('an answer about other addresses', async () => {
    const tb = await failingAssess(async () =>
      Response.json(await goodAnswer(['eve@tls-valid.sendguard.test'])),
    );
    await cancelledWith(tb, '"eve@tls-valid.sendguard.test", which is not a recipient');
  });

  test('no answer in time', async () => {
    const tb = await failingAssess(() => new Promise(() => undefined));
    await cancelledWith(tb, 'did not answer in time');
  }, 10_000);
});

describe('the event page', () => {
  /** Loads background.ts afresh, as Thunderbird does when it wakes a suspended event page. */
  function startEventPage(tb: FakeMessenger, fetch: typeof globalThis.fetch): void {
    (globalThis as { messenger?: unknown }).messenger = tb.api;
    const realFetch = globalThis.fetch;
    globalThis.fetch = fetch;
    try {
      jest.isolateModules(() => {
        // Synchronous on purpose: listeners must be in place when the module's first run ends.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../../src/thunderbird/background');
      });
    } finally {
      globalThis.fetch = realFetch;
    }
  }

  afterEach(() => {
    delete (globalThis as { messenger?: unknown }).messenger;
  });

  test('adds its onBeforeSend listener during its first, synchronous run', () => {
    const tb = fakeMessenger();
    startEventPage(tb, fakeBackendFetch({}));
    expect(tb.events.onBeforeSend.listeners.size).toBe(1);
    expect(tb.events.onNotificationClicked.listeners.size).toBe(1);
  });

  test('decisions survive a suspension: nothing the check needs lives in the page’s memory', async () => {
    const policy = defaultPolicy({ onSend: { ...defaultPolicy().onSend, backendUnreachable: 'prompt' } });
    const tb = fakeMessenger();
    await saveSettings(tb.storage, { backendUrl: 'https://sendguard.example' });
    const backend = fakeBackendFetch({ transport: TLS_OK, policy });
    let assessUp = false;
    const fetch: typeof globalThis.fetch = (input, init) =>
      !assessUp && String(input).endsWith('/assess')
        ? Promise.reject(new TypeError('offline'))
        : backend(input, init);
    const spy = jest.spyOn(globalThis, 'fetch').mockImplementation(fetch);
    try {
      startEventPage(tb, fetch);
      const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test', body: SSN });
      expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });

      // Suspended: the page and its listeners are gone; the sender answers "Send anyway" in the pane meanwhile.
      tb.events.onBeforeSend.listeners.clear();
      tb.events.onNotificationClicked.listeners.clear();
      await grantOverride(tb.storage, tabId);

      // Woken by the next Send: a fresh module registry, so no variable of the first run survives.
      startEventPage(tb, fetch);
      expect(await tb.send(tabId)).toMatchObject({ kind: 'sent' });

      // And again after another suspension, with the backend back: the restricted body is checked and stopped.
      tb.events.onBeforeSend.listeners.clear();
      assessUp = true;
      startEventPage(tb, fetch);
      expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    } finally {
      spy.mockRestore();
    }
  });

  test('clicking a refusal’s notification opens the pane in that message’s window', async () => {
    const tb = fakeMessenger();
    startEventPage(tb, fakeBackendFetch({}));
    const tabId = compose(tb, { to: 'ann@tls-valid.sendguard.test' });
    await tb.events.onNotificationClicked.fire(`sendguard-send-${tabId}`);
    for (let i = 0; i < 50 && tb.popupsOpened.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(tb.popupsOpened).toEqual([100 + tabId]);
  });
});
