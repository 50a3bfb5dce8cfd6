/**
 * The backend client while the sign-in settings its token source goes by await the service's confirmation (the
 * pane signing in with settings kept from an earlier opening): a request that only reads is made at once and, when
 * the settings were not confirmed, stopped and made again under the service's; any other request waits for the
 * confirmation, so that it is never made twice.
 */
import { createBackend } from '../../src/addin/backend';
import { assessedRecipient } from '../helpers/assess-answer';

const BASE = 'https://sendguard.example';
const FINGERPRINT = 'AB12'.repeat(10);
const ADDRESS = 'ann@partner.example';

interface Made {
  method: string;
  path: string;
  authorization: string | null;
  signal: AbortSignal;
}

const answers: Record<string, () => unknown> = {
  '/api/v1/assess': () => ({
    policyVersion: 'v1',
    partial: false,
    recipients: [assessedRecipient(ADDRESS, 'encrypted')],
    invalid: [],
  }),
  '/api/v1/sent': () => ({ items: [] }),
  [`/api/v1/keys/${encodeURIComponent(ADDRESS)}/accept`]: () => ({
    key: { address: ADDRESS, verdict: 'valid', source: 'wkd', fingerprint: FINGERPRINT, reasons: [] },
  }),
};

/**
 * A client whose token is the kept settings' until `change` (then the service's), with a confirmation the test
 * gives; the service answers only once told to (`answer`), or never to a request stopped first.
 */
function unconfirmed() {
  let settings = 'kept';
  let confirm!: (confirmed: boolean) => void;
  const confirmation = new Promise<boolean>((resolve) => (confirm = resolve));
  const made: Made[] = [];
  const release: Array<() => void> = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const signal = init!.signal!;
    const path = new URL(String(input)).pathname;
    made.push({
      method: init!.method!,
      path,
      authorization: new Headers(init!.headers).get('authorization'),
      signal,
    });
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason));
      release.push(() => resolve(Response.json(answers[path]!())));
    });
  };
  const backend = createBackend({
    baseUrl: BASE,
    fetch,
    deadlineMs: 2000,
    tokenSource: async () => `token-${settings}`,
    signInConfirmed: () => confirmation,
  });
  const notConfirmed = () => {
    settings = 'answered';
    confirm(false);
  };
  return { backend, made, release, notConfirmed, confirm };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

test.each([
  [
    'the assessment (a POST that only reads)',
    (b: ReturnType<typeof unconfirmed>['backend']) => b.assess([ADDRESS]),
  ],
  ['a GET', (b: ReturnType<typeof unconfirmed>['backend']) => b.request!('/api/v1/sent', { method: 'GET' })],
])('%s: made at once, and when not confirmed, stopped and made again', async (_, ask) => {
  const { backend, made, release, notConfirmed } = unconfirmed();
  const asked = ask(backend);
  await flush();
  expect(made.map((m) => m.authorization)).toEqual(['Bearer token-kept']);
  notConfirmed();
  await flush();
  expect(made.map((m) => m.authorization)).toEqual(['Bearer token-kept', 'Bearer token-answered']);
  // The first attempt is stopped, not left to run beside the second.
  expect(made[0]!.signal.aborted).toBe(true);
  expect(made[1]!.signal.aborted).toBe(false);
  release[1]!();
  await expect(asked).resolves.toBeDefined();
});

describe('accepting a changed key changes what the service pins: made once, under confirmed settings', () => {
  test('not confirmed: made once, under the service’s settings', async () => {
    const { backend, made, release, notConfirmed } = unconfirmed();
    const accepted = backend.acceptKey(ADDRESS, FINGERPRINT);
    await flush();
    expect(made).toEqual([]);
    notConfirmed();
    await flush();
    release[0]!();
    await expect(accepted).resolves.toMatchObject({ verdict: 'valid', fingerprint: FINGERPRINT });
    expect(made.map((m) => [m.method, m.authorization])).toEqual([['POST', 'Bearer token-answered']]);
  });

  test('confirmed: made once, with the kept settings’ token', async () => {
    const { backend, made, release, confirm } = unconfirmed();
    const accepted = backend.acceptKey(ADDRESS, FINGERPRINT);
    await flush();
    expect(made).toEqual([]);
    confirm(true);
    await flush();
    release[0]!();
    await expect(accepted).resolves.toMatchObject({ verdict: 'valid' });
    expect(made.map((m) => [m.method, m.authorization])).toEqual([['POST', 'Bearer token-kept']]);
  });
});
