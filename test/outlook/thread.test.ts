/**
 * A thread keeps its protection in Outlook: the send handler from source over the simulated Office, for a reply
 * whose quote shows an OpenPGP original or a secure-pickup notice, and for a reply in a conversation the read pane
 * saw classified; the read pane keeping what it saw; the runtime's store, read rather than trusted.
 */
import type { AssessAnswer, Backend } from '../../src/addin/backend';
import { APPLIED_HEADER, appliedRecord, formatApplied } from '../../src/addin/protect/applied';
import { readMessage } from '../../src/addin/read-message';
import type { Policy } from '../../src/core/policy/schema';
import { sendHandler, type CompletedOptions } from '../../src/outlook/launchevent';
import { createOfficeHost } from '../../src/outlook/office-host';
import { keepReadThread } from '../../src/outlook/office-thread';
import { runtimeStore, THREADS_KEPT, threadStore, type KeyValueStore } from '../../src/outlook/thread-store';
import { simulateOffice } from '../../src/outlook/tryit/simulated-office';
import { assessedRecipient } from '../helpers/assess-answer';
import { defaultPolicy } from '../helpers/policy';

const ANN = 'ann@dane-ee.sendguard.test';
const QUOTED_PGP =
  'Thanks, will do.\n\n> -----BEGIN PGP MESSAGE-----\n> wcBMA0x\n> -----END PGP MESSAGE-----\n';
const QUOTED_NOTICE =
  'See below.\n\nFrom: Lee\nLee sent you an encrypted message.\nhttps://sendguard.partner.example/pickup/#r1.AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\n';

function memoryStore(): KeyValueStore & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: async (key) => items.get(key) ?? null,
    setItem: async (key, value) => void items.set(key, value),
  };
}

function reply(text: string, composeType: 'reply' | 'forward' | 'newMail' = 'reply') {
  const sim = simulateOffice();
  sim.state.to = [{ emailAddress: ANN, displayName: 'Ann' }];
  sim.state.subject = 'RE: Case file';
  sim.state.text = text;
  sim.state.composeType = composeType;
  if (composeType !== 'newMail') sim.state.conversationId = 'conv-1';
  return sim;
}

const answer = async (): Promise<AssessAnswer> => ({
  policyVersion: 'v1',
  partial: false,
  recipients: [assessedRecipient(ANN, 'authenticated')],
  invalid: [],
});

async function send(
  sim: ReturnType<typeof simulateOffice>,
  { policy = defaultPolicy(), store }: { policy?: Policy; store?: KeyValueStore } = {},
): Promise<CompletedOptions | undefined> {
  const backend: Backend = {
    policy: async () => ({ version: 'v1', policy }),
    assess: answer,
    acceptKey: () => Promise.reject(new Error('the send handler accepts no key')),
  };
  const office = sim.office as unknown as typeof Office;
  const handler = sendHandler({
    host: () => createOfficeHost(office, {}, store ? threadStore(store) : undefined),
    backend: () => backend,
    deadlineMs: 2000,
  });
  const completions: Array<CompletedOptions | undefined> = [];
  await handler({ completed: (options) => completions.push(options) });
  expect(completions).toHaveLength(1);
  return completions[0];
}

let warn: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

describe('a reply in a protected thread (Outlook)', () => {
  test('a reply quoting an OpenPGP message is stopped even though the pane never ran, saying why', async () => {
    const completed = await send(reply(QUOTED_PGP));
    expect(completed).toMatchObject({ allowEvent: false, commandId: 'SendguardOpenPane' });
    expect(completed!.errorMessage).toMatch(
      /^This thread was restricted: the message you are replying to was OpenPGP-encrypted, so this message is Restricted/,
    );
    expect(completed!.errorMessageMarkdown).toContain('**This thread was restricted');
  });

  test('the same text in new mail goes, as does the reply where the policy does not keep threads', async () => {
    expect(await send(reply(QUOTED_PGP, 'newMail'))).toEqual({ allowEvent: true });
    const off = defaultPolicy({ threads: { keepProtection: false, allowLowering: false } });
    expect(await send(reply(QUOTED_PGP), { policy: off })).toEqual({ allowEvent: true });
  });

  test('a forward of a secure-pickup notice is stopped, naming the pickup', async () => {
    const completed = await send(reply(QUOTED_NOTICE, 'forward'));
    expect(completed!.errorMessage).toContain(
      'This thread was restricted: the message you are forwarding came by secure pickup',
    );
  });

  test('a reply in a conversation the read pane saw classified confidential is tagged for forced TLS', async () => {
    const store = memoryStore();
    const read = simulateOffice({
      received: 'Subject: Budget\r\nX-Sendguard-Classification: confidential\r\n\r\n',
    });
    read.state.conversationId = 'conv-1';
    read.state.text = 'Numbers attached.';
    await keepReadThread(read.office as unknown as typeof Office, threadStore(store));
    const sim = reply('Agreed.');
    expect(await send(sim, { store })).toEqual({ allowEvent: true });
    expect(sim.state.subject).toBe('#secure# RE: Case file');
    // Another conversation is not touched by it.
    const other = reply('Agreed.');
    other.state.conversationId = 'conv-2';
    expect(await send(other, { store })).toEqual({ allowEvent: true });
    expect(other.state.subject).toBe('RE: Case file');
  });

  test('a reply the pane protected by secure pickup is not raised by its own notice', async () => {
    const sim = reply(QUOTED_NOTICE.replace('See below.', 'Your secure message.'));
    const record = appliedRecord('escrow', 'normal', [ANN], () => 'ab'.repeat(16));
    sim.state.headers[APPLIED_HEADER] = formatApplied(record);
    // Restricted messages may be picked up only after signing in, which this recipient cannot: were the notice
    // read as the thread's, the message the pane protected would be refused.
    const policy = defaultPolicy();
    policy.escrow.proofs = { restricted: ['sign-in'] };
    expect(await send(sim, { policy })).toEqual({ allowEvent: true });
  });

  test('deleting the quote does not drop the thread: what it showed was kept under the conversation', async () => {
    const store = memoryStore();
    const sim = reply(QUOTED_PGP);
    expect((await send(sim, { store }))!.errorMessage).toMatch(/^This thread was restricted/);
    sim.state.text = 'Thanks, will do.';
    expect((await send(sim, { store }))!.errorMessage).toMatch(
      /^This thread was restricted: the message you are replying to was OpenPGP-encrypted/,
    );
  });

  test('what the pane applied is not kept as the thread’s: the conversation stays as it was', async () => {
    const store = memoryStore();
    const sim = reply(QUOTED_NOTICE.replace('See below.', 'Your secure message.'));
    sim.state.headers[APPLIED_HEADER] = formatApplied(
      appliedRecord('escrow', 'normal', [ANN], () => 'ab'.repeat(16)),
    );
    expect(await send(sim, { store })).toEqual({ allowEvent: true });
    expect(await threadStore(store).marksOf('conv-1')).toEqual([]);
  });

  test('an Outlook before Mailbox 1.10 still tells a reply by its conversation', async () => {
    const sim = reply(QUOTED_PGP);
    const item = (sim.office.context as { mailbox: { item: Record<string, unknown> } }).mailbox.item;
    delete item.getComposeTypeAsync;
    const state = await readMessage(createOfficeHost(sim.office as unknown as typeof Office, {}, undefined));
    expect(state.thread).toEqual({ how: 'reply', marks: [{ kind: 'openpgp' }] });
  });

  test('a draft reopened as new mail in a conversation the read pane saw protected keeps the thread', async () => {
    const store = memoryStore();
    await threadStore(store).keep('conv-1', [{ kind: 'pickup' }]);
    const sim = reply('Draft text.', 'newMail');
    sim.state.conversationId = 'conv-1';
    const completed = await send(sim, { store });
    expect(completed!.errorMessage).toMatch(/^This thread was restricted: .* came by secure pickup/);
  });
});

describe('what the read pane keeps', () => {
  test('a message without protection keeps nothing; each mark is kept once; the oldest conversations go first', async () => {
    const store = memoryStore();
    const threads = threadStore(store);
    await threads.keep('plain', []);
    expect(store.items.size).toBe(0);
    await threads.keep('c0', [{ kind: 'openpgp' }]);
    await threads.keep('c0', [{ kind: 'openpgp' }, { kind: 'classified', classification: 'restricted' }]);
    expect(await threads.marksOf('c0')).toEqual([
      { kind: 'openpgp' },
      { kind: 'classified', classification: 'restricted' },
    ]);
    for (let i = 1; i <= THREADS_KEPT; i++) await threads.keep(`c${i}`, [{ kind: 'pickup' }]);
    expect(await threads.marksOf('c0')).toEqual([]);
    expect(await threads.marksOf(`c${THREADS_KEPT}`)).toEqual([{ kind: 'pickup' }]);
  });

  test('what the store holds is read, not trusted: unknown marks and malformed entries are dropped', async () => {
    const store = memoryStore();
    store.items.set(
      'sendguard.threads',
      JSON.stringify([
        {
          id: 'c1',
          marks: [{ kind: 'openpgp' }, { kind: 'root' }, { kind: 'classified', classification: 'A B' }],
        },
        { id: 7, marks: [] },
        'junk',
      ]),
    );
    expect(await threadStore(store).marksOf('c1')).toEqual([{ kind: 'openpgp' }]);
    store.items.set('sendguard.threads', '{not json');
    expect(await threadStore(store).marksOf('c1')).toEqual([]);
  });

  test("the runtime's store: OfficeRuntime.storage first, else local storage, else none", async () => {
    const officeStorage = memoryStore();
    expect(runtimeStore({ OfficeRuntime: { storage: officeStorage } })).toBe(officeStorage);
    const local = new Map<string, string>();
    const page = runtimeStore({
      localStorage: { getItem: (k) => local.get(k) ?? null, setItem: (k, v) => void local.set(k, v) },
    })!;
    await page.setItem('k', 'v');
    expect(await page.getItem('k')).toBe('v');
    expect(runtimeStore({})).toBeUndefined();
  });
});
