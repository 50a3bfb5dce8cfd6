/**
 * The Office.js adapter over office-addin-mock: every `*Async` call becomes a promise, failures reject with
 * Office's message, attachments cross as base64 without atob/btoa (attached items as .eml and .ics files, inline
 * images with the content id their body shows), and the theme follows the host. And a split's new messages: two
 * simulated compose items in one process, the second's new-message check (the real launch-event handler) taking
 * the attachments from the first's pane over a real BroadcastChannel.
 */
import { OfficeMockObject } from 'office-addin-mock';

// office-addin-mock reads only the host names from office-addin-manifest, whose own dependencies are ESM-only and
// cannot load under jest's CommonJS runtime: the names are given here instead.
jest.mock('office-addin-manifest', () => ({
  OfficeApp: {
    Excel: 'excel',
    OneNote: 'onenote',
    Outlook: 'outlook',
    PowerPoint: 'powerpoint',
    Project: 'project',
    Word: 'word',
  },
}));
import type { Backend } from '../../src/addin/backend';
import type { CarriedAttachment, NewMessage } from '../../src/addin/host';
import { applyPlan, type ApplyDeps } from '../../src/addin/protect/apply';
import { problemsBefore } from '../../src/addin/split/check';
import { readOutline } from '../../src/addin/split/original';
import { loadMessage, planWith } from '../../src/addin/state';
import { systemClock } from '../../src/core/clock';
import type { After } from '../../src/outlook/after';
import { deskDeps, handOffDesk } from '../../src/outlook/hand-off-desk';
import { officeReceiverDeps, type ReceiverDeps } from '../../src/outlook/hand-off-receiver';
import { newMessageHandler } from '../../src/outlook/launchevent';
import { createOfficeHost, themeOf } from '../../src/outlook/office-host';
import type { NewMessageOptions } from '../../src/outlook/office-new-messages';
import {
  simulateOffice,
  type SimAttachment,
  type SimForm,
  type SimOptions,
} from '../../src/outlook/tryit/simulated-office';
import { A, B, splitBackend, splitPolicy } from '../addin/split-fakes';
import { assessedRecipient } from '../helpers/assess-answer';
import { defaultPolicy } from '../helpers/policy';
import { alreadyPassed, ManualTimers } from '../helpers/timers';
import { memoryNotes, type MemoryNotes } from './memory-notes';

function mocked(options: SimOptions = {}, hostOptions: NewMessageOptions = {}) {
  const sim = simulateOffice(options);
  const office = new OfficeMockObject(sim.office, 'outlook' as never) as unknown as typeof Office;
  return { sim, office, host: createOfficeHost(office, hostOptions) };
}

describe('createOfficeHost', () => {
  test('reads recipients by field, without repeating an address as its own display name', async () => {
    const { sim, host } = mocked();
    sim.state.to = [{ emailAddress: 'a@x.example', displayName: 'Ann' }];
    sim.state.bcc = [{ emailAddress: 'b@y.example', displayName: 'b@y.example' }];
    await expect(host.getRecipients()).resolves.toEqual({
      to: [{ address: 'a@x.example', displayName: 'Ann' }],
      cc: [],
      bcc: [{ address: 'b@y.example' }],
    });
  });

  test('sets subject, body and headers, reads one header back whatever its case, and saves', async () => {
    const { sim, host } = mocked();
    await host.setSubject('#secure# Hi');
    await host.setBody({ format: 'text', content: '-----BEGIN PGP MESSAGE-----' });
    await host.setHeaders({ 'X-Sendguard-Applied': 'v=1' });
    await host.save();
    expect(sim.state).toMatchObject({
      subject: '#secure# Hi',
      text: '-----BEGIN PGP MESSAGE-----',
      saved: 1,
    });
    await expect(host.getHeader('x-sendguard-applied')).resolves.toBe('v=1');
    await expect(host.getHeader('X-Other')).resolves.toBeUndefined();
  });

  test('attachments go in and out as bytes', async () => {
    const { host } = mocked();
    const bytes = new Uint8Array(70_001).map((_, i) => (i * 31) & 255);
    await host.addAttachment({
      name: 'a.bin.pgp',
      contentType: 'application/pgp-encrypted',
      data: bytes.buffer,
    });
    const [listed] = await host.listAttachments();
    expect(listed).toMatchObject({ name: 'a.bin.pgp', inline: false });
    expect(new Uint8Array(await host.getAttachmentContent(listed!.id))).toEqual(bytes);
    await host.removeAttachment(listed!.id);
    await expect(host.listAttachments()).resolves.toEqual([]);
  });

  test('a failed call rejects with what Office said', async () => {
    const { host } = mocked();
    await expect(host.getAttachmentContent('missing')).rejects.toThrow(
      'reading an attachment failed: no attachment missing',
    );
  });

  test('informational notices name the manifest icon; split is offered only with Mailbox 1.9', async () => {
    const { sim, host } = mocked();
    await host.notify({ id: 'n', kind: 'info', text: '1 recipient: 1 forced TLS' });
    expect(sim.state.notices.n).toEqual({
      type: 'informationalMessage',
      message: '1 recipient: 1 forced TLS',
    });
    expect(host.newMessages).toBeDefined();
    expect(mocked({ canOpenMessages: false }).host.newMessages).toBeUndefined();
  });

  test('the theme is dark when the host body background is dark', () => {
    expect(themeOf(mocked({ theme: 'dark' }).office)).toBe('dark');
    expect(themeOf(mocked({ theme: 'light' }).office)).toBe('light');
  });
});

describe('the sender’s address: the message’s From, the mailbox owner where Outlook cannot say', () => {
  /** A host over the simulated mailbox of ann@clinic.test, its compose item changed first by `change`. */
  function ownedBy(change: (item: Record<string, unknown>) => void = () => undefined) {
    const sim = simulateOffice({ sender: 'ann@clinic.test' });
    const { mailbox } = sim.office.context as { mailbox: { item: Record<string, unknown> } };
    change(mailbox.item);
    const office = new OfficeMockObject(sim.office, 'outlook' as never) as unknown as typeof Office;
    return { sim, host: createOfficeHost(office) };
  }

  test('a From the sender picked (a shared mailbox, send-as): that address, not the owner’s', async () => {
    const { sim, host } = ownedBy();
    sim.state.from = { emailAddress: 'billing@clinic-shared.test', displayName: 'Billing' };
    await expect(host.getSenderAddress()).resolves.toBe('billing@clinic-shared.test');
  });

  test('the From left as it opened: the mailbox owner', async () => {
    const { host } = ownedBy();
    await expect(host.getSenderAddress()).resolves.toBe('ann@clinic.test');
  });

  test('an Outlook before Mailbox 1.7 (no item.from), or a From that cannot be read: the owner', async () => {
    const older = ownedBy((item) => delete item.from);
    await expect(older.host.getSenderAddress()).resolves.toBe('ann@clinic.test');
    const failing = ownedBy((item) => {
      item.from = {
        getAsync: (callback: (result: unknown) => void) =>
          setTimeout(() => callback({ status: 'failed', error: { code: 9000, message: 'no access' } }), 0),
      };
    });
    await expect(failing.host.getSenderAddress()).resolves.toBe('ann@clinic.test');
  });

  test('the pane asks the reply path of the From’s domain', async () => {
    const { sim, host } = ownedBy();
    sim.state.from = { emailAddress: 'billing@clinic-shared.test', displayName: 'Billing' };
    const asked: (string | undefined)[] = [];
    const backend: Backend = {
      policy: async () => ({ version: 'v', policy: defaultPolicy() }),
      async assess(recipients, { sender } = {}) {
        asked.push(sender);
        return { policyVersion: 'v', partial: false, recipients: [], invalid: [] };
      },
      acceptKey: () => Promise.reject(new Error('no key to accept here')),
    };
    await loadMessage({ host, backend });
    expect(asked).toEqual(['billing@clinic-shared.test']);
  });
});

/** An attachment as the simulated Outlook holds it: `bytes` as base64, or an attached item's text. */
function simAttachment(
  id: string,
  name: string,
  bytes: Uint8Array,
  extra: Partial<SimAttachment> = {},
): SimAttachment {
  return {
    id,
    name,
    contentType: 'application/octet-stream',
    base64: Buffer.from(bytes).toString('base64'),
    size: bytes.length,
    isInline: false,
    ...extra,
  };
}

const EML = 'From: a@x.example\r\nSubject: Minutes\r\n\r\nSee you on Tuesday.\r\n';
const ICS = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n';

describe('attachments as the pane reads them', () => {
  test('attached items are .eml and .ics files with their bytes; files and inline images say their kind', async () => {
    const { sim, host } = mocked();
    sim.state.attachments = [
      simAttachment('1', 'contract.pdf', new Uint8Array([37, 80, 68, 70])),
      simAttachment('2', 'Minutes', new Uint8Array(), {
        attachmentType: 'item',
        item: { format: 'eml', content: EML },
      }),
      simAttachment('3', 'Review', new Uint8Array(), {
        attachmentType: 'item',
        item: { format: 'iCalendar', content: ICS },
      }),
    ];
    const listed = await host.listAttachments();
    expect(listed.map(({ name, contentType, kind }) => ({ name, contentType, kind }))).toEqual([
      { name: 'contract.pdf', contentType: 'application/octet-stream', kind: 'file' },
      { name: 'Minutes.eml', contentType: 'message/rfc822', kind: 'item' },
      { name: 'Review.ics', contentType: 'text/calendar', kind: 'item' },
    ]);
    expect(Buffer.from(await host.getAttachmentContent('2')).toString('utf8')).toBe(EML);
    expect(Buffer.from(await host.getAttachmentContent('3')).toString('utf8')).toBe(ICS);
  });

  test('an attached item’s size is the .eml it is carried as (its attachments as base64), not Outlook’s item size', async () => {
    const { sim, host } = mocked();
    const picture = Buffer.alloc(3000, 7).toString('base64');
    const eml = `From: a@x.example\r\nSubject: Grüße\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n${picture}\r\n`;
    sim.state.attachments = [
      // Outlook counts the item as it stores it: the picture's 3000 bytes and a little more.
      simAttachment('1', 'Minutes', new Uint8Array(), {
        size: 3100,
        attachmentType: 'item',
        item: { format: 'eml', content: eml },
      }),
    ];
    const [listed] = await host.listAttachments();
    expect(listed!.size).toBe(Buffer.byteLength(eml, 'utf8'));
    expect(listed!.size).toBe((await host.getAttachmentContent('1')).byteLength);
    expect(listed!.size).toBeGreaterThan(4000);
  });

  test('an attached item is read through Office once across listing and reading its bytes; a new listing drops what the last one read', async () => {
    const sim = simulateOffice();
    const compose = (sim.office as unknown as typeof Office).context.mailbox.item as Office.MessageCompose;
    const reads = jest.spyOn(compose, 'getAttachmentContentAsync');
    const office = new OfficeMockObject(sim.office, 'outlook' as never) as unknown as typeof Office;
    const host = createOfficeHost(office);
    sim.state.attachments = [
      simAttachment('1', 'Minutes', new Uint8Array(), {
        attachmentType: 'item',
        item: { format: 'eml', content: EML },
      }),
      simAttachment('2', 'contract.pdf', new Uint8Array([37, 80, 68, 70])),
    ];
    await host.listAttachments();
    expect(Buffer.from(await host.getAttachmentContent('1')).toString('utf8')).toBe(EML);
    expect(Buffer.from(await host.getAttachmentContent('1')).toString('utf8')).toBe(EML);
    expect(reads.mock.calls.map(([id]) => id)).toEqual(['1']);
    // A file is not read at listing: its bytes come from Office when asked for.
    expect([...new Uint8Array(await host.getAttachmentContent('2'))]).toEqual([37, 80, 68, 70]);
    expect(reads.mock.calls.map(([id]) => id)).toEqual(['1', '2']);
    // The item's format and size are known by now, so the next listing reads nothing and holds nothing: its bytes
    // are read afresh, not served from before that listing.
    await host.listAttachments();
    expect(Buffer.from(await host.getAttachmentContent('1')).toString('utf8')).toBe(EML);
    expect(reads.mock.calls.map(([id]) => id)).toEqual(['1', '2', '1']);
  });

  test('a cloud attachment (a OneDrive or SharePoint link) is listed as one: it has no bytes to read', async () => {
    const { sim, host } = mocked();
    sim.state.attachments = [
      simAttachment('1', 'Budget.xlsx', new Uint8Array(), {
        size: 52_000,
        attachmentType: 'cloud',
        url: 'https://contoso-my.sharepoint.com/personal/ann/Budget.xlsx',
      }),
      simAttachment('2', 'contract.pdf', new Uint8Array([37, 80, 68, 70])),
    ];
    const listed = await host.listAttachments();
    expect(listed.map(({ name, kind }) => [name, kind])).toEqual([
      ['Budget.xlsx', 'cloud'],
      ['contract.pdf', 'file'],
    ]);
    await expect(host.getAttachmentContent('1')).rejects.toMatchObject({
      code: 'OFFICE_ATTACHMENT_NOT_A_FILE',
    });
  });

  test('an inline image’s content id is the one the body shows it by, each id given once', async () => {
    const { sim, host } = mocked();
    sim.state.html =
      '<p>acid:nothing</p><img src="cid:image001.png@01DA.5E2"><div style="background:url(&quot;CID:image001.png@01DA.7F0&quot;)"></div>' +
      '<img src="cid:logo.png">';
    sim.state.attachments = [
      simAttachment('1', 'image001.png', new Uint8Array([1]), { isInline: true }),
      simAttachment('2', 'image001.png', new Uint8Array([2]), { isInline: true }),
      simAttachment('3', 'logo.png', new Uint8Array([3]), { isInline: true }),
      simAttachment('4', 'unseen.png', new Uint8Array([4]), { isInline: true }),
      simAttachment('5', 'image001.png', new Uint8Array([5])),
    ];
    const listed = await host.listAttachments();
    expect(listed.map((a) => [a.name, a.inline, a.contentId])).toEqual([
      ['image001.png', true, 'image001.png@01DA.5E2'],
      ['image001.png', true, 'image001.png@01DA.7F0'],
      ['logo.png', true, 'logo.png'],
      ['unseen.png', true, undefined],
      ['image001.png', false, undefined],
    ]);
  });
});

const ANN = 'ann@mailbox.sendguard.test';
const BO = 'Bo@Partner.example';

/** Two different binary files and an inline image, as a split hands them over. */
function carried(): CarriedAttachment[] {
  const bytes = (n: number, seed: number) => new Uint8Array(n).map((_, i) => (i * seed + 7) & 255);
  return [
    {
      name: 'contract.pdf',
      contentType: 'application/pdf',
      data: bytes(70_001, 31).buffer,
      inline: false,
      kind: 'file',
    },
    {
      name: 'scan.bin',
      contentType: 'application/octet-stream',
      data: bytes(4099, 131).buffer,
      inline: false,
      kind: 'file',
    },
    {
      name: 'Minutes.eml',
      contentType: 'message/rfc822',
      data: new TextEncoder().encode(EML).buffer,
      inline: false,
      kind: 'item',
    },
    {
      name: 'logo 1.png',
      contentType: 'image/png',
      data: bytes(300, 17).buffer,
      inline: true,
      contentId: 'logo 1.png@01DA.5E2',
      kind: 'file',
    },
  ];
}

const base64Of = (data: ArrayBuffer) => Buffer.from(data).toString('base64');

const message = (changes: Partial<NewMessage> = {}): NewMessage => ({
  to: [BO],
  cc: [],
  bcc: [ANN],
  subject: 'Contract',
  html: '<p>Signed copy attached.</p><img src="cid:logo 1.png@01DA.5E2" alt="logo">',
  attachments: carried(),
  ...changes,
});

const backend = (): Backend => ({
  policy: async () => ({ version: 'v1', policy: defaultPolicy() }),
  assess: async (addresses) => ({
    policyVersion: 'v1',
    partial: false,
    recipients: addresses.map((a) => assessedRecipient(a, 'encrypted')),
    invalid: [],
  }),
  acceptKey: () => Promise.reject(new Error('not here')),
});

type SimOffice = ReturnType<typeof simulateOffice>;

/** A compose form whose internet headers Outlook refuses to set. */
function refuseHeaders(sim: SimOffice): void {
  const item = (sim.office.context as { mailbox: { item: { internetHeaders: Record<string, unknown> } } })
    .mailbox.item;
  item.internetHeaders.setAsync = (_headers: unknown, callback: (result: unknown) => void) =>
    callback({ status: 'failed', error: { code: 9000, message: 'Headers are read-only here.' } });
}

/**
 * A second compose form as Outlook opens it for `displayNewMessageFormAsync`: a simulated item of its own, whose
 * new-message check (the launch event's real handler) runs as Outlook runs it, once per form.
 */
function secondForm(
  changes: (form: SimForm) => SimForm = (form) => form,
  receiving: Partial<ReceiverDeps> = {},
) {
  const forms: Array<{
    sim: ReturnType<typeof simulateOffice>;
    completions: unknown[];
    done: Promise<void>;
  }> = [];
  const openForm = (asked: SimForm) => {
    const form = changes(asked);
    const sim = simulateOffice();
    const list = (addresses: string[] = []) => addresses.map((a) => ({ emailAddress: a, displayName: a }));
    Object.assign(sim.state, {
      to: list(form.toRecipients),
      cc: list(form.ccRecipients),
      bcc: list(form.bccRecipients),
      subject: form.subject ?? '',
      html: form.htmlBody ?? '',
    });
    const office = sim.office as unknown as typeof Office;
    const completions: unknown[] = [];
    const done = newMessageHandler({
      host: () => createOfficeHost(office),
      backend,
      deadlineMs: 5000,
      receiver: () => ({ ...officeReceiverDeps(office, 300), ...receiving }),
    })({ completed: (options) => void completions.push(options) });
    forms.push({ sim, completions, done });
  };
  return { forms, openForm };
}

describe('new messages for a split', () => {
  let warn: jest.SpyInstance;
  /** Local storage at the add-in's origin: the pane notes what it waits for there, the new forms' checks look. */
  let notes: MemoryNotes;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    notes = memoryNotes();
  });
  afterEach(() => warn.mockRestore());

  /** The Outlook whose pane splits, its desk noting in the shared storage. */
  /** A desk of the pane whose deadlines pass as `after` says. */
  const deskAfter = (after: After) => handOffDesk({ ...deskDeps(), notes, after });
  const pane = (options: SimOptions = {}, hostOptions: NewMessageOptions = {}) =>
    mocked(options, { desk: handOffDesk({ ...deskDeps(), notes }), ...hostOptions });
  /** The new forms Outlook opens, their checks reading the shared storage. */
  const newForm = (changes?: (form: SimForm) => SimForm, receiving: Partial<ReceiverDeps> = {}) =>
    secondForm(changes, { notes, ...receiving });

  test('web Outlook carries files, items, inline images, the classification and a body of any length; importance and reply-to it cannot, and says why', () => {
    const { carries } = mocked().host.newMessages!;
    expect(carries).toMatchObject({
      files: true,
      items: true,
      inlineImages: true,
      importance: false,
      replyTo: false,
      classification: true,
    });
    expect(carries.htmlBytes).toBeUndefined();
    expect(carries.limit).toBe(
      'Outlook does not let add-ins read or set importance or reply-to addresses, so the new message has normal importance and replies go to you; set them there again if you had changed them.',
    );
    const mac = mocked({ platform: 'Mac' }).host.newMessages!.carries;
    expect([mac.files, mac.htmlBytes]).toEqual([true, undefined]);
  });

  test('classic Outlook on Windows carries no attachments nor the classification, and no body over the form’s 32 KB: its new-message check runs without a web page', async () => {
    const { sim, host } = mocked({ platform: 'PC' });
    const { carries } = host.newMessages!;
    expect(carries).toEqual({
      files: false,
      items: false,
      inlineImages: false,
      importance: false,
      replyTo: false,
      classification: false,
      htmlBytes: 32 * 1024,
      limit: expect.any(String),
    });
    expect(carries.limit).toMatch(
      /^Classic Outlook on Windows runs Sendguard’s check of a new message without a web page, so it cannot hand attachments, inline images or the classification you chose to it; and Outlook does not let add-ins read or set importance/,
    );
    // Asked anyway, it opens nothing rather than a message without them, or one planned lower than chosen.
    await expect(host.newMessages!.open(message())).rejects.toMatchObject({
      code: 'OUTLOOK_CANNOT_HAND_OFF',
    });
    await expect(
      host.newMessages!.open(message({ attachments: [], classification: 'restricted' })),
    ).rejects.toMatchObject({ code: 'OUTLOOK_CANNOT_HAND_OFF' });
    // A body one byte over what the form takes (a three-byte euro sign at the end) would need the hand-off too.
    const html = `<p>${'x'.repeat(carries.htmlBytes! - 9)}€</p>`;
    expect(Buffer.byteLength(html)).toBe(carries.htmlBytes! + 1);
    await expect(host.newMessages!.open(message({ html, attachments: [] }))).rejects.toMatchObject({
      code: 'OUTLOOK_CANNOT_HAND_OFF',
      message: expect.stringMatching(
        /: the message to Bo@Partner\.example and ann@mailbox\.sendguard\.test was not opened\.$/,
      ),
    });
    expect(sim.state.opened).toEqual([]);
    // Without attachments there is nothing to hand over; a body of exactly 32 KB goes through the form.
    await expect(host.newMessages!.open(message({ attachments: [] }))).resolves.toEqual({});
    await expect(
      host.newMessages!.open(
        message({ html: `<p>${'x'.repeat(carries.htmlBytes! - 7)}</p>`, attachments: [] }),
      ),
    ).resolves.toEqual({});
    expect(sim.state.opened).toHaveLength(2);
  });

  test('classic Outlook on Windows opens the split the pane offered: at the default classification and without attachments there is nothing to hand over', async () => {
    const { sim, host } = mocked({ platform: 'PC' });
    Object.assign(sim.state, {
      to: [{ emailAddress: A, displayName: A }],
      cc: [{ emailAddress: B, displayName: B }],
      html: '<p>See you on Tuesday.</p>',
    });
    const policy = splitPolicy();
    const deps: ApplyDeps = {
      host,
      backend: splitBackend(policy),
      backendUrl: 'https://sg.example',
      randomHex: () => '00',
    };
    const loaded = await loadMessage(deps);
    const { plan } = planWith(loaded, undefined);
    expect([plan.action, plan.classification]).toEqual(['split', policy.defaultClassification]);
    // The pane shows the Split button: nothing the new message cannot carry.
    expect(problemsBefore(plan, await readOutline(host, loaded), policy, host.newMessages)).toEqual([]);
    await expect(applyPlan(planWith(loaded, undefined), loaded, deps)).resolves.toMatchObject({
      action: 'split',
      opened: [{ group: { addresses: [B] }, message: {} }],
    });
    expect(sim.state.opened).toEqual([
      expect.objectContaining({
        toRecipients: [],
        ccRecipients: [B],
        htmlBody: '<p>See you on Tuesday.</p>',
      }),
    ]);
    expect(sim.state.cc).toEqual([]);
  });

  test('Outlook on a phone or tablet hands nothing over either, and says its form’s body limit', () => {
    expect(mocked({ platform: 'Android' }).host.newMessages!.carries).toMatchObject({
      files: false,
      classification: false,
      htmlBytes: 32 * 1024,
    });
  });

  test('the new form’s check receives every attachment byte for byte, inline images shown by the names they are added under', async () => {
    const { forms, openForm } = newForm();
    const { host } = pane({ openForm });
    await expect(host.newMessages!.open(message())).resolves.toEqual({});
    expect(forms).toHaveLength(1);
    const [{ sim: opened, completions, done }] = forms as [(typeof forms)[number]];
    await done;
    expect(completions).toEqual([undefined]);
    expect(opened.state.html).toBe('<p>Signed copy attached.</p><img src="cid:logo_1.png" alt="logo">');
    expect(opened.state.attachments.map((a) => [a.name, a.isInline, a.base64])).toEqual(
      carried().map((a) => [a.inline ? 'logo_1.png' : a.name, a.inline, base64Of(a.data)]),
    );
    expect(opened.state.to.map((r) => r.emailAddress)).toEqual([BO]);
    expect(opened.state.bcc.map((r) => r.emailAddress)).toEqual([ANN]);
    expect(opened.state.saved).toBeGreaterThan(0);
  });

  test('two inline images whose names come out the same in a content id are numbered apart, each shown by its own', async () => {
    const { forms, openForm } = newForm();
    const { host } = pane({ openForm });
    const [logo] = carried().filter((a) => a.inline) as [CarriedAttachment];
    const second = {
      ...logo,
      name: 'logo_1.PNG',
      contentId: 'second@01DA.5E2',
      data: new Uint8Array([1, 2]).buffer,
    };
    const html = '<img src="cid:logo 1.png@01DA.5E2"><img src="cid:second@01DA.5E2">';
    await expect(host.newMessages!.open(message({ html, attachments: [logo, second] }))).resolves.toEqual({});
    const [{ sim: opened, done }] = forms as [(typeof forms)[number]];
    await done;
    expect(opened.state.html).toBe('<img src="cid:logo_1.png"><img src="cid:logo_1-2.PNG">');
    expect(opened.state.attachments.map((a) => [a.name, a.base64])).toEqual([
      ['logo_1.png', base64Of(logo.data)],
      ['logo_1-2.PNG', base64Of(second.data)],
    ]);
  });

  test('a classification alone is handed over: the new form’s check writes it as a header before saving, and its summary plans with it', async () => {
    const { forms, openForm } = newForm();
    const { host } = pane({ openForm });
    await expect(
      host.newMessages!.open(message({ attachments: [], classification: 'restricted' })),
    ).resolves.toEqual({});
    const [{ sim: opened, done }] = forms as [(typeof forms)[number]];
    await done;
    expect(opened.state.headers).toEqual({ 'X-Sendguard-Classification': 'restricted' });
    expect(opened.state.attachments).toEqual([]);
    expect(opened.state.saved).toBeGreaterThan(0);
    // Restricted needs end-to-end; without keys, that is secure pickup.
    expect(opened.state.notices['sendguard-summary']).toMatchObject({
      message: '2 recipients: 2 secure pickup',
    });

    // The same message opened without one: its check plans from the detectors alone, and it would go as plain mail.
    const plain = newForm();
    await pane({ openForm: plain.openForm }).host.newMessages!.open(message({ attachments: [] }));
    await plain.forms[0]!.done;
    expect(plain.forms[0]!.sim.state.headers).toEqual({});
    expect(plain.forms[0]!.sim.state.notices['sendguard-summary']).toMatchObject({
      message: '2 recipients: 2 plain mail',
    });
  });

  test('a classification the new form could not write is named, with what to do in that message', async () => {
    const { forms, openForm } = newForm();
    const { host } = pane({
      openForm: (form) => {
        openForm(form);
        refuseHeaders(forms[0]!.sim);
      },
    });
    await expect(host.newMessages!.open(message({ classification: 'restricted' }))).resolves.toEqual({
      missing:
        'Outlook opened the new message to Bo@Partner.example and ann@mailbox.sendguard.test, but Sendguard could not add the classification you chose (restricted) to it (setting headers failed: Headers are read-only here). Before sending that message, set the classification to restricted in Sendguard’s pane of that message.',
    });
    // Everything else came over.
    expect(forms[0]!.sim.state.attachments).toHaveLength(4);
  });

  test('a body too long for Outlook’s form is handed over with the attachments', async () => {
    const { forms, openForm } = newForm();
    const { sim, host } = pane({ openForm });
    const html = `<p>${'Long minutes. '.repeat(3000)}</p>`;
    await expect(host.newMessages!.open(message({ html, attachments: [] }))).resolves.toEqual({});
    expect(sim.state.opened[0]!.htmlBody).toBe('');
    await forms[0]!.done;
    expect(forms[0]!.sim.state.html).toBe(html);
  });

  test('Outlook giving the addresses back in another case is still the message opened', async () => {
    const { forms, openForm } = newForm((form) => ({
      ...form,
      toRecipients: form.toRecipients!.map((a) => a.toLowerCase()),
    }));
    const { host } = pane({ openForm });
    await expect(host.newMessages!.open(message())).resolves.toEqual({});
    await forms[0]!.done;
    expect(forms[0]!.sim.state.attachments).toHaveLength(4);
  });

  test('no acknowledgement in time: the message counts as opened, and says which attachments to add by hand, to which message', async () => {
    const { sim, host } = pane(
      { openForm: () => undefined },
      { desk: deskAfter(alreadyPassed), deadlineMs: 1000 },
    );
    // Not thrown: the message is open with its recipients in it, so a split moves them and never opens it twice.
    await expect(host.newMessages!.open(message())).resolves.toEqual({
      missing:
        'Outlook opened the new message to Bo@Partner.example and ann@mailbox.sendguard.test, but Sendguard in that message did not take contract.pdf, scan.bin, Minutes.eml and logo 1.png (a picture in the text) within 1 second. Before sending that message, add contract.pdf, scan.bin, Minutes.eml and logo 1.png (a picture in the text) to it by hand.',
    });
    expect(sim.state.opened).toHaveLength(1);
    await expect(
      host.newMessages!.open(message({ attachments: [], classification: 'restricted' })),
    ).resolves.toEqual({
      missing:
        'Outlook opened the new message to Bo@Partner.example and ann@mailbox.sendguard.test, but Sendguard in that message did not take the classification you chose (restricted) within 1 second. Before sending that message, set the classification to restricted in Sendguard’s pane of that message.',
    });
    expect(sim.state.opened).toHaveLength(2);
  });

  test('Outlook refusing to open the form throws: nothing opened, nothing noted', async () => {
    const { sim, host } = pane({
      openForm: () => {
        throw new Error('The window was blocked.');
      },
    });
    await expect(host.newMessages!.open(message())).rejects.toThrow(
      'opening a new message failed: The window was blocked.',
    );
    expect(sim.state.opened).toEqual([]);
    expect(notes.stored()).toEqual([]);
  });

  test('a new message no pane noted (other recipients or another subject) asks nothing and waits for nothing: its check completes once, at once', async () => {
    // Were it to ask, it would wait past its check's own deadline (5 s) and be given up as timed out.
    const { forms, openForm } = newForm((form) => ({ ...form, subject: 'Something else' }), {
      askMs: 60_000,
    });
    let formOpened!: () => void;
    const opened = new Promise<void>((resolve) => (formOpened = resolve));
    const timers = new ManualTimers();
    const { host } = pane(
      {
        openForm: (asked) => {
          openForm(asked);
          formOpened();
        },
      },
      { desk: deskAfter(timers.after), deadlineMs: 800 },
    );
    const opening = host.newMessages!.open(message());
    await opened;
    const form = forms[0]!;
    await form.done;
    expect(warn.mock.calls.map((call) => String(call[0]))).not.toContainEqual(
      expect.stringContaining('SEND_CHECK_TIMEOUT'),
    );
    expect(form.completions).toEqual([undefined]);
    expect(form.sim.state.notices['sendguard-summary']).toBeDefined();
    expect(form.sim.state.attachments).toEqual([]);
    timers.pass();
    await expect(opening).resolves.toEqual({ missing: expect.stringContaining('did not take contract.pdf') });
  });

  test('where the runtime keeps no notes (local storage denied), the new form’s check asks anyway', async () => {
    const { forms, openForm } = newForm(undefined, { notes: undefined });
    const { host } = mocked({ openForm }, { desk: handOffDesk({ ...deskDeps(), notes: undefined }) });
    await expect(host.newMessages!.open(message())).resolves.toEqual({});
    await forms[0]!.done;
    expect(forms[0]!.sim.state.attachments).toHaveLength(4);
  });

  test('a late ask, after the pane gave up, gets nothing', async () => {
    let late: SimForm | undefined;
    const { host } = pane(
      { openForm: (form) => void (late = form) },
      { desk: deskAfter(alreadyPassed), deadlineMs: 100 },
    );
    await expect(host.newMessages!.open(message())).resolves.toEqual({ missing: expect.any(String) });
    // The pane gave up: its note is gone with it.
    expect(notes.stored()).toEqual([]);
    const { forms, openForm } = newForm();
    openForm(late!);
    await forms[0]!.done;
    expect(forms[0]!.sim.state.attachments).toEqual([]);
    expect(forms[0]!.completions).toEqual([undefined]);
  });

  /**
   * Opens `sent` from a pane that no longer hears anything (its channel leads nowhere, its note is all that is
   * left of it), then the new form as Outlook opens it, `patched` first; what the form holds once its check is done.
   * The form's ask goes unanswered at once; the pane's deadline passes only after that.
   */
  async function afterPaneGone(sent: NewMessage, patched: (sim: SimOffice) => void = () => undefined) {
    const timers = new ManualTimers();
    const desk = handOffDesk({
      channel: () => new BroadcastChannel('a closed pane'),
      newId: () => 'hand-off-1',
      notes,
      clock: systemClock,
      after: timers.after,
    });
    let formAsked!: (form: SimForm) => void;
    const asked = new Promise<SimForm>((resolve) => (formAsked = resolve));
    const { host } = pane({ openForm: formAsked }, { desk, deadlineMs: 1500 });
    const opening = host.newMessages!.open(sent);
    const { forms, openForm } = newForm(undefined, { after: alreadyPassed });
    openForm(await asked);
    patched(forms[0]!.sim);
    await forms[0]!.done;
    timers.pass();
    await expect(opening).resolves.toEqual({ missing: expect.any(String) });
    return { form: forms[0]! };
  }

  test('the pane gone (the sender closed the message they split): the new message’s check writes the classification it noted and says what to add by hand', async () => {
    const { form } = await afterPaneGone(message({ classification: 'restricted' }));
    expect(form.completions).toEqual([undefined]);
    expect(form.sim.state.headers).toEqual({ 'X-Sendguard-Classification': 'restricted' });
    expect(form.sim.state.notices['sendguard-summary']).toMatchObject({
      message: '2 recipients: 2 secure pickup',
    });
    expect(form.sim.state.notices['sendguard-split-left-behind']).toEqual({
      type: 'errorMessage',
      message:
        'contract.pdf, scan.bin, Minutes.eml and logo 1.png (a picture in the text) did not come over from the message you split, which no longer answers: add them to this message by hand before you send it.',
    });
    // Told once: the note is taken.
    expect(notes.stored()).toEqual([]);
  });

  test('the pane gone and the noted classification not written: the sender is told to set it', async () => {
    const { form } = await afterPaneGone(
      message({ attachments: [], classification: 'restricted' }),
      refuseHeaders,
    );
    expect(form.sim.state.headers).toEqual({});
    expect(form.sim.state.notices['sendguard-split-left-behind']).toEqual({
      type: 'errorMessage',
      message:
        'the classification you chose (restricted) did not come over from the message you split, which no longer answers: set the classification to restricted in Sendguard’s pane of this message before you send it.',
    });
  });

  test('what the new form could not add is named with Outlook’s reason', async () => {
    const { forms, openForm } = newForm();
    const { host } = pane({
      openForm: (form) => {
        openForm(form);
        const { office } = forms[0]!.sim;
        const item = (office.context as { mailbox: { item: Record<string, unknown> } }).mailbox.item;
        const add = item.addFileAttachmentFromBase64Async as (...args: unknown[]) => void;
        item.addFileAttachmentFromBase64Async = (base64: string, name: string, ...rest: unknown[]) => {
          const callback = rest[rest.length - 1] as (result: unknown) => void;
          if (name === 'scan.bin')
            callback({ status: 'failed', error: { code: 9000, message: 'The attachment is too large.' } });
          else add(base64, name, ...rest);
        };
      },
    });
    await expect(host.newMessages!.open(message())).resolves.toEqual({
      missing:
        'Outlook opened the new message to Bo@Partner.example and ann@mailbox.sendguard.test, but Sendguard could not add scan.bin to it (attaching scan.bin failed: The attachment is too large). Before sending that message, add scan.bin to it by hand.',
    });
    expect(forms[0]!.sim.state.attachments.map((a) => a.name)).toEqual([
      'contract.pdf',
      'Minutes.eml',
      'logo_1.png',
    ]);
  });
});
