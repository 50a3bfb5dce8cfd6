/**
 * Thunderbird's send check while the service cannot be reached: the verdict key pinned when the options page
 * tested the connection, the signed verdicts kept in storage.local across event-page restarts (every send builds
 * its backend afresh), fresh ones tag and send, stale, changed and unpinned ones stop the message.
 */
import { randomBytes } from 'node:crypto';
import { connectBackend } from '../../src/addin/backend';
import { beforeSend } from '../../src/thunderbird/before-send';
import { testConnection } from '../../src/thunderbird/connection-test';
import { pinVerdictTrust } from '../../src/thunderbird/kept-verdicts';
import { saveSettings } from '../../src/thunderbird/settings';
import { verdictKeyOf } from '../../src/server/verdicts/key';
import { verdictSigner } from '../../src/server/verdicts/signer';
import { assessedRecipient } from '../helpers/assess-answer';
import { ManualClock } from '../helpers/clock';
import { defaultPolicy } from '../helpers/policy';
import { fakeMessenger } from './fake-messenger';

const BACKEND = 'https://sendguard.example';
const ANN = 'ann@tls-valid.sendguard.test';
const IBAN = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';
const HOUR = 3_600_000;

let warn: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

/** A service signing its answers, `signedAgoMs` behind this machine's clock, until `down()`. */
function signingService(signedAgoMs = 0) {
  const signer = verdictSigner({
    key: verdictKeyOf(randomBytes(32)),
    deployment: BACKEND,
    clock: new ManualClock(Date.now() - signedAgoMs),
  });
  let up = true;
  const policy = { version: 'v1', policy: defaultPolicy() };
  const answer = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (!up) throw new TypeError('NetworkError when attempting to fetch resource.');
    if (String(input).endsWith('/api/v1/policy'))
      return Response.json({ ...policy, signed: signer.policy(policy), verdictKey: signer.trust });
    const { recipients: inputs } = JSON.parse(String(init?.body)) as { recipients: string[] };
    const recipients = inputs.map((input) => assessedRecipient(input, 'encrypted'));
    return Response.json({
      policyVersion: 'v1',
      partial: false,
      recipients,
      invalid: [],
      signed: signer.recipients(recipients, 'v1'),
    });
  }) as typeof fetch;
  return { fetch: answer, down: () => (up = false) };
}

/** Set up as the options page does it: saved, tested, and the service's verdict key pinned. */
async function setUp(service: ReturnType<typeof signingService>, pin = true) {
  const tb = fakeMessenger();
  await saveSettings(tb.storage, { backendUrl: BACKEND, token: 'sg_test' });
  const tested = await testConnection(connectBackend({ backendUrl: BACKEND }, service.fetch));
  expect(tested).toMatchObject({ ok: true, verdictKey: { deployment: BACKEND } });
  if (pin) await pinVerdictTrust(tb.storage, BACKEND, tested.verdictKey);
  tb.events.onBeforeSend.addListener((tab, details) =>
    beforeSend({ api: tb.api, fetch: service.fetch }, tab, details),
  );
  return tb;
}

async function sendToAnn(tb: ReturnType<typeof fakeMessenger>) {
  const tabId = tb.openCompose({ subject: 'Refund', to: [ANN], body: `<p>${IBAN}</p>` }).id!;
  return tb.send(tabId);
}

/** One send while the service answers, its verdicts then written to storage.local; then the service goes down. */
async function keptThenDown(
  tb: ReturnType<typeof fakeMessenger>,
  service: ReturnType<typeof signingService>,
) {
  expect(await sendToAnn(tb)).toMatchObject({ kind: 'sent' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  service.down();
}

describe('Thunderbird: deciding from kept verdicts while the service cannot be reached', () => {
  test('fresh: tagged and sent', async () => {
    const service = signingService();
    const tb = await setUp(service);
    await keptThenDown(tb, service);
    expect(await sendToAnn(tb)).toMatchObject({ kind: 'sent', details: { subject: '#secure# Refund' } });
  });

  test('older than a day: stopped, saying so', async () => {
    const service = signingService(25 * HOUR);
    const tb = await setUp(service);
    await keptThenDown(tb, service);
    const outcome = await sendToAnn(tb);
    expect(outcome).toMatchObject({ kind: 'cancelled' });
    expect(JSON.stringify(tb.notifications)).toContain('older than 24 hours');
  });

  test('changed in storage.local: stopped', async () => {
    const service = signingService();
    const tb = await setUp(service);
    await keptThenDown(tb, service);
    const key = `sendguard-verdicts ${BACKEND}`;
    const text = (await tb.storage.get(key))[key] as string;
    await tb.storage.set({
      [key]: text.replace(/\\"verdict\\":\\"encrypted/g, '\\"verdict\\":\\"authenticated'),
    });
    expect((await tb.storage.get(key))[key]).not.toBe(text);
    expect(await sendToAnn(tb)).toMatchObject({ kind: 'cancelled' });
    expect(JSON.stringify(tb.notifications)).toContain('no verdicts it can trust');
  });

  test('no key pinned: nothing is kept, and the message is stopped as before', async () => {
    const service = signingService();
    const tb = await setUp(service, false);
    await keptThenDown(tb, service);
    expect(await sendToAnn(tb)).toMatchObject({ kind: 'cancelled' });
    expect(await tb.storage.get(`sendguard-verdicts ${BACKEND}`)).toEqual({});
  });
});
