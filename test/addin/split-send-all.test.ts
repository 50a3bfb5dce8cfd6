/**
 * Sending every message of a split in one step (issue 22's contract, rule 5): each new message planned on its own,
 * protected with the ordinary applyPlan and sent, the original last; the first failure stops the rest and says
 * what was sent and what waits open. OpenPGP here is real: the sent attachments decrypt to the original bytes.
 */
import type { AssessOptions } from '../../src/addin/backend';
import { applyPlan, type ApplyDeps } from '../../src/addin/protect/apply';
import { APPLIED_HEADER, CLASSIFICATION_HEADER, parseApplied } from '../../src/addin/protect/applied';
import { sendable, sendAll, type SendAllStep } from '../../src/addin/split/send-all';
import { loadMessage, planWith } from '../../src/addin/state';
import { openpgp } from '../../src/server/keys/openpgp';
import {
  A,
  B,
  C,
  fakeHost,
  recipientKeys,
  splitBackend,
  splitPolicy,
  wholeMessage,
  type FakeOptions,
} from './split-fakes';

let keys: Awaited<ReturnType<typeof recipientKeys>>;
beforeAll(async () => {
  keys = await recipientKeys();
});

/**
 * The message, classified by the sender as they do in the pane, split by applying its plan on a host that
 * can send (unless `options` say otherwise).
 */
async function split(options: FakeOptions) {
  const item = wholeMessage({ to: [{ address: A }, { address: B }], cc: [{ address: C }] });
  item.headers[CLASSIFICATION_HEADER] = 'confidential';
  const originals = item.attachments.map((a) => Buffer.from(a.data));
  const fake = fakeHost(item, { canSend: true, ...options });
  const deps: ApplyDeps = {
    host: fake.host,
    // Normal by default: the sender's confidential is above it, so each new message is given it.
    backend: splitBackend(splitPolicy({ defaultClassification: 'normal' }), keys.publicKeys),
    backendUrl: 'https://sg.example',
    randomHex: () => '00',
  };
  const loaded = await loadMessage(deps);
  const planned = planWith(loaded, undefined);
  const { opened } = await applyPlan(planned, loaded, deps);
  const kept = planned.plan.groups![0]!;
  return { ...fake, deps, kept, groups: opened!, messages: sendable(fake.host, kept, opened!)!, originals };
}

test('each new message is protected and sent, then this message: in that order, each with its own protection', async () => {
  const { messages, deps, log, item, originals, opened } = await split({});
  expect(messages.map((m) => m.label)).toEqual([`${B} and ${C} (OpenPGP)`, `${A} (forced TLS)`]);
  const reports: SendAllStep[][] = [];
  // Each message's assessment asks for neither the sender's reply path nor mailbox access, which only the pane shows.
  const asked: (AssessOptions | undefined)[] = [];
  const backend = { ...deps.backend };
  backend.assess = (recipients, options) => (asked.push(options), deps.backend.assess(recipients, options));
  await sendAll({
    messages,
    deps: { ...deps, backend },
    sender: {},
    report: (steps) => reports.push(steps),
  });
  expect(asked).toEqual(messages.map(() => ({})));
  expect(log).toEqual([
    `opened ${B}`,
    `sent ${B}: Contract for March`,
    `sent ${A}: #secure# Contract for March`,
  ]);
  expect(reports.at(-1)).toEqual(messages.map((m) => ({ label: m.label, state: 'sent' })));
  expect(reports.some((steps) => steps[0]!.state === 'working' && steps[1]!.state === 'waiting')).toBe(true);

  // The new message went as OpenPGP, classified as the sender chose (the host wrote it when it opened the message;
  // send-all writes nothing), every attachment (the inline image too) decrypting to the original bytes.
  const sent = opened[0]!.item;
  expect(sent.headers[CLASSIFICATION_HEADER]).toBe('confidential');
  expect(parseApplied(sent.headers[APPLIED_HEADER])).toMatchObject({
    protection: 'pgp',
    classification: 'confidential',
  });
  expect(sent.text).toMatch(/^-----BEGIN PGP MESSAGE-----/);
  const decryptionKeys = await openpgp.readPrivateKey({ armoredKey: keys.privateKeys[C]! });
  const files = sent.attachments.filter((a) => a.name.endsWith('.pgp'));
  expect(files.map((f) => f.name)).toEqual(['contract.pdf.pgp', 'minutes.eml.pgp', 'logo.png.pgp']);
  for (const [index, file] of files.entries()) {
    const message = await openpgp.readMessage({ binaryMessage: file.data });
    const { data } = await openpgp.decrypt({ message, decryptionKeys, format: 'binary' });
    expect(Buffer.from(data as Uint8Array).equals(originals[index]!)).toBe(true);
  }
  // This message went last with forced TLS, to its own group.
  expect(item.recipients).toEqual({ to: [{ address: A }], cc: [], bcc: [] });
  expect(parseApplied(item.headers[APPLIED_HEADER])?.protection).toBe('tls');
});

test('a message already protected from its own pane is sent as it is, not encrypted twice', async () => {
  const { messages, deps, opened } = await split({});
  const own = { ...deps, host: messages[0]!.host };
  const loaded = await loadMessage(own);
  await applyPlan(planWith(loaded, undefined), loaded, own);
  await sendAll({ messages, deps, sender: {}, report: () => undefined });
  const message = await openpgp.readMessage({ armoredMessage: opened[0]!.item.text });
  const decryptionKeys = await openpgp.readPrivateKey({ armoredKey: keys.privateKeys[B]! });
  const { data } = await openpgp.decrypt({ message, decryptionKeys });
  expect(data).toBe('Dear all,\n\nthe contract is attached.');
});

test('a send that fails stops the rest: the sender is told what was sent and what waits open', async () => {
  const { messages, deps, log, item } = await split({ failSendFor: B });
  await expect(sendAll({ messages, deps, sender: {}, report: () => undefined })).rejects.toMatchObject({
    code: 'SEND_ALL_STOPPED',
    message: `Nothing was sent. Not sent: the message for ${B} and ${C} (OpenPGP): the server refused the message. That message and the messages for ${A} (forced TLS) wait open for you to check and send.`,
  });
  expect(log).toEqual([`opened ${B}`]);
  expect(item.subject).toBe('Contract for March');
});

test('the original failing last: the new messages are named as sent', async () => {
  const { messages, deps, log } = await split({ failSendFor: A });
  await expect(sendAll({ messages, deps, sender: {}, report: () => undefined })).rejects.toThrow(
    `Sent: the messages for ${B} and ${C} (OpenPGP). Not sent: the message for ${A} (forced TLS): the server refused the message. That message waits open for you to check and send.`,
  );
  expect(log).toEqual([`opened ${B}`, `sent ${B}: Contract for March`]);
});

test('a message whose window is gone (closed or already sent) is said to be out of reach, not waiting open', async () => {
  const { messages, deps } = await split({ goneFor: B });
  await expect(sendAll({ messages, deps, sender: {}, report: () => undefined })).rejects.toMatchObject({
    code: 'SEND_ALL_STOPPED',
    message: `Nothing was sent. Stopped at the message for ${B} and ${C} (OpenPGP): Thunderbird has no such message window any more. That message could not be reached: it was closed or already sent. The messages for ${A} (forced TLS) wait open for you to check and send.`,
  });
  const last = await split({ goneFor: A });
  await expect(
    sendAll({ messages: last.messages, deps: last.deps, sender: {}, report: () => undefined }),
  ).rejects.toThrow(
    `Sent: the messages for ${B} and ${C} (OpenPGP). Stopped at the message for ${A} (forced TLS): Thunderbird has no such message window any more. That message could not be reached: it was closed or already sent.`,
  );
});

test('no send-all where the host cannot send what it opened', async () => {
  const { host, kept, groups } = await split({ canSend: false });
  expect(groups).toEqual([{ group: expect.objectContaining({ protection: 'pgp' }), message: {} }]);
  expect(sendable(host, kept, groups)).toBeUndefined();
  expect(sendable({ ...host, send: async () => undefined }, kept, groups)).toBeUndefined();
});
