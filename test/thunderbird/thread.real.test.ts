/**
 * A thread keeps its protection in a real Thunderbird (Debian's package, under Xvfb, over Marionette) with the
 * built add-on and a real backend: what messages.getFull gives for a PGP/MIME message left encrypted is what
 * thread-origin.ts reads as OpenPGP, and a reply (compose.beginReply) to a message the organisation classified
 * restricted is cancelled by the on-send check although nothing in the reply looks protected, where the same reply to
 * a message nobody classified goes.
 */
import type { Testbed } from '../helpers/testbed';
import { compose, inPane, openPane, startScene, type Scene } from './drive-thunderbird';
import type { MessagePart } from '../../src/thunderbird/messenger';
import { marksOfOriginal } from '../../src/thunderbird/thread-origin';

jest.setTimeout(150_000);

let scene: Scene | undefined;
let bed: Testbed;

beforeAll(async () => {
  scene = await startScene({ name: 'thunderbird-thread' });
  ({ bed } = scene);
}, 90_000);

afterAll(() => scene?.stop());

/** A received message as it would arrive from `from`, with `headers` and `body`, CRLF. */
const received = (from: string, id: string, headers: string[], body: string[]) =>
  [
    `From: Ann <${from}>`,
    'To: sender@mailbox.sendguard.test',
    'Subject: Case file',
    `Message-ID: <${id}>`,
    ...headers,
    '',
    ...body,
    '',
  ].join('\r\n');

test('an encrypted original and a reply to a restricted one, as Thunderbird gives them', async () => {
  const observer = `observer@${bed.mailDomain}`;
  const pgp = received(
    observer,
    `pgp-${Date.now()}@x`,
    [
      'MIME-Version: 1.0',
      'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b1"',
    ],
    [
      '--b1',
      'Content-Type: application/pgp-encrypted',
      '',
      'Version: 1',
      '--b1',
      'Content-Type: application/octet-stream; name="encrypted.asc"',
      '',
      '-----BEGIN PGP MESSAGE-----',
      '',
      'hF4DAAAAAAAAAAASAQdAAAAA',
      '=AAAA',
      '-----END PGP MESSAGE-----',
      '--b1--',
    ],
  );
  const plain = received(
    observer,
    `plain-${Date.now()}@x`,
    ['Content-Type: text/plain; charset=utf-8'],
    ['Lunch?'],
  );
  const classified = received(
    observer,
    `classified-${Date.now()}@x`,
    ['Content-Type: text/plain; charset=utf-8', 'X-Sendguard-Classification: restricted'],
    ['The figures you asked for.'],
  );
  const { tb } = scene!;
  await compose(tb, { to: observer, subject: 'host of the pane', body: 'x' });
  await openPane(tb);
  const seen = await inPane<{
    root: MessagePart;
    type: string;
    related: boolean;
    sendError: string;
    plainSent: string;
  }>(
    tb,
    `
    const page = win.wrappedJSObject;
    const api = page.messenger;
    const clone = (value) => Cu.cloneInto(value, page);
    const [host] = await api.tabs.query(clone({ type: 'messageCompose' }));
    const { identityId } = await api.compose.getComposeDetails(host.id);
    const identity = await api.identities.get(identityId);
    const [inbox] = await api.folders.query(clone({ accountId: identity.accountId, specialUse: ['inbox'] }));
    const put = (raw) => api.messages.import(new page.File(clone([raw]), 'm.eml', clone({ type: 'message/rfc822' })), inbox.id);
    const encrypted = await put(${JSON.stringify(pgp)});
    const root = JSON.parse(JSON.stringify(await api.messages.getFull(encrypted.id, clone({ decrypt: false }))));
    const original = await put(${JSON.stringify(classified)});
    const reply = await api.compose.beginReply(original.id);
    const details = await api.compose.getComposeDetails(reply.id);
    const send = (tabId) => api.compose.sendMessage(tabId).then(() => 'sent', (e) => String(e && e.message || e));
    const sendError = await send(reply.id);
    // The control: the same reply to a message nobody classified goes.
    const plainReply = await api.compose.beginReply((await put(${JSON.stringify(plain)})).id);
    const plainSent = await send(plainReply.id);
    return { root, type: details.type, related: details.relatedMessageId === original.id, sendError, plainSent };`,
  );
  expect(marksOfOriginal(seen.root)).toContainEqual({ kind: 'openpgp' });
  expect({ type: seen.type, related: seen.related }).toEqual({ type: 'reply', related: true });
  expect(seen.sendError).toMatch(/onBeforeSend/);
  expect(seen.plainSent).toBe('sent');
});
