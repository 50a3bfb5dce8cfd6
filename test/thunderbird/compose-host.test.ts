/**
 * The pane's `MailHost` over `messenger.compose`, against the fake: Thunderbird never switches a composer between
 * HTML and plain text through setComposeDetails (it ignores `isPlainText` and drops a body of the other format),
 * so a replaced body must arrive in the composer's own format, or the pane would report a message encrypted
 * whose body never changed. A split's new message (issue 22) opens with everything the original had and is
 * reachable afterwards: the pane protects it through its own host and sends it through the send check.
 */
import type { NewMessage } from '../../src/addin/host';
import { MESSAGE_GONE } from '../../src/addin/message-gone';
import { CLASSIFICATION_HEADER } from '../../src/addin/protect/applied';
import { createComposeHost } from '../../src/thunderbird/compose-host';
import { EVERYTHING } from '../helpers/carries';
import { fakeMessenger } from './fake-messenger';

const ARMORED = [
  '-----BEGIN PGP MESSAGE-----',
  '',
  'wV4DmT5XWW3tm4wSAQdA181h2ZllPHGIsFEohD8Rj8T7WASLZthS+HHq751l',
  'JQv2a2gBOCQOfJKufdYGZAVldKcEIDdDuPTepIpx/49G1nNh75yuemrYMQ==',
  '=Np6o',
  '-----END PGP MESSAGE-----',
].join('\n');

test('an OpenPGP body replaces the text of an HTML composer line for line', async () => {
  const tb = fakeMessenger();
  const tab = tb.openCompose({ body: '<p>Please pay to IBAN DE89 3704 0044 0532 0130 00.</p>' });
  const host = createComposeHost(tb.api, tab.id!, () => false);
  await host.setBody({ format: 'text', content: ARMORED });
  const details = tb.composeTabs.get(tab.id!)!.details;
  expect(details.isPlainText).toBe(false);
  expect(details.body).toBe(`<pre>${ARMORED}</pre>`);
  expect(await host.getBody('text')).toBe(ARMORED);
});

test('a plain-text composer keeps a text body as it is and gets the text of an HTML one, links included', async () => {
  const tb = fakeMessenger();
  const tab = tb.openCompose({ isPlainText: true, plainTextBody: 'Hello', body: 'Hello' });
  const host = createComposeHost(tb.api, tab.id!, () => false);
  await host.setBody({ format: 'text', content: ARMORED });
  expect(await host.getBody('text')).toBe(ARMORED);
  await host.setBody({
    format: 'html',
    content:
      '<p>Your message is waiting &amp; safe.</p><p><a href="https://pickup.example/m/1">Open it</a></p>',
  });
  expect(tb.composeTabs.get(tab.id!)!.details.isPlainText).toBe(true);
  expect(await host.getBody('text')).toBe(
    'Your message is waiting & safe.\nOpen it <https://pickup.example/m/1>',
  );
});

const bytes = (...values: number[]) => new Uint8Array(values).buffer;
const PDF = bytes(0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x80, 0x0a);
const EML = new TextEncoder().encode('From: a@b.example\r\nSubject: Old\r\n\r\nhi\r\n').buffer;

/** The least a new message holds. */
const TO_BOB: NewMessage = { to: ['bob@partner.example'], cc: [], bcc: [], subject: 'S', html: '<p>x</p>' };

/** The original compose tab, sending from the second identity, and its host. */
function original() {
  const tb = fakeMessenger();
  const tab = tb.openCompose({ identityId: 'id2', from: 'Sam Private <sam.private@example.org>' });
  return { tb, host: createComposeHost(tb.api, tab.id!, () => false) };
}

describe('a new message for a group of a split', () => {
  test('carries the recipients per field, subject, HTML body as written, every attachment, importance, reply-to and the sending identity', async () => {
    const { tb, host } = original();
    const html = '<p>Contract attached.</p><p><img src="data:image/png;base64,iVBORw0KGgo=" alt="logo"></p>';
    const opened = await host.newMessages!.open({
      to: ['bob@partner.example'],
      cc: ['carol@partner.example'],
      bcc: ['dave@partner.example'],
      subject: 'Contract',
      html,
      attachments: [
        { name: 'contract.pdf', contentType: 'application/pdf', data: PDF, inline: false, kind: 'file' },
        { name: 'Old.eml', contentType: 'message/rfc822', data: EML, inline: false, kind: 'item' },
      ],
      importance: 'high',
      replyTo: ['team@example.org'],
    });
    const [, tab] = [...tb.composeTabs.values()];
    expect(tab!.details).toMatchObject({
      to: ['bob@partner.example'],
      cc: ['carol@partner.example'],
      bcc: ['dave@partner.example'],
      subject: 'Contract',
      body: html,
      isPlainText: false,
      priority: 'high',
      replyTo: ['team@example.org'],
      identityId: 'id2',
      from: 'Sam Private <sam.private@example.org>',
    });
    const files = [...tab!.attachments.values()];
    expect(files.map((f) => [f.name, f.type])).toEqual([
      ['contract.pdf', 'application/pdf'],
      ['Old.eml', 'message/rfc822'],
    ]);
    expect(Buffer.from(await files[0]!.arrayBuffer()).equals(Buffer.from(PDF))).toBe(true);

    // The pane reaches the new message through its own host: it reads what was carried as the original would.
    const host2 = opened.host!;
    expect(await host2.getImportance!()).toBe('high');
    expect(await host2.getReplyTo!()).toEqual(['team@example.org']);
    expect(await host2.getBody('html')).toBe(html);
    const listed = await host2.listAttachments();
    expect(listed.map((a) => [a.name, a.contentType, a.kind, a.inline])).toEqual([
      ['contract.pdf', 'application/pdf', 'file', false],
      ['Old.eml', 'message/rfc822', 'item', false],
    ]);
    expect(Buffer.from(await host2.getAttachmentContent(listed[1]!.id)).equals(Buffer.from(EML))).toBe(true);
  });

  test('Thunderbird’s Highest and Lowest carry over as they are; a priority changed since reads as its importance', async () => {
    const { tb, host } = original();
    const [originalTab] = [...tb.composeTabs.values()];
    const openedWith = async (priority: 'lowest' | 'highest', importance: 'low' | 'high') => {
      originalTab!.details.priority = priority;
      await host.newMessages!.open({ ...TO_BOB, importance });
      return [...tb.composeTabs.values()].at(-1)!.details.priority;
    };
    expect(await openedWith('highest', 'high')).toBe('highest');
    expect(await openedWith('lowest', 'low')).toBe('lowest');
    expect(await openedWith('highest', 'low')).toBe('low');
  });

  test('without importance or reply-to it opens with the composer’s normal priority and no reply-to, from the sending identity', async () => {
    const { tb, host } = original();
    const opened = await host.newMessages!.open(TO_BOB);
    expect(await opened.host!.getImportance!()).toBe('normal');
    expect(await opened.host!.getReplyTo!()).toEqual([]);
    expect(await opened.host!.getSenderAddress()).toBe('sam.private@example.org');
    expect(tb.composeTabs.size).toBe(2);
  });

  test('says it carries everything: files, items, inline images, importance, reply-to and the classification', () => {
    const { host } = original();
    expect(host.newMessages!.carries).toEqual(EVERYTHING);
  });

  test('the classification the sender chose opens with it as a custom header, which its pane reads back', async () => {
    const { tb, host } = original();
    const opened = await host.newMessages!.open({ ...TO_BOB, classification: 'restricted' });
    const [, tab] = [...tb.composeTabs.values()];
    expect(tab!.details.customHeaders).toEqual([{ name: CLASSIFICATION_HEADER, value: 'restricted' }]);
    expect(await opened.host!.getHeader(CLASSIFICATION_HEADER)).toBe('restricted');
    // None chosen: no header at all, rather than an empty one.
    await host.newMessages!.open(TO_BOB);
    expect([...tb.composeTabs.values()][2]!.details.customHeaders).toEqual([]);
  });
});

test('Thunderbird’s five priorities read as the three importances', async () => {
  const tb = fakeMessenger();
  const tabId = tb.openCompose({}).id!;
  const host = createComposeHost(tb.api, tabId, () => false);
  const read = async (priority: 'lowest' | 'low' | 'normal' | 'high' | 'highest') => {
    tb.composeTabs.get(tabId)!.details.priority = priority;
    return host.getImportance!();
  };
  expect(await read('lowest')).toBe('low');
  expect(await read('low')).toBe('low');
  expect(await read('normal')).toBe('normal');
  expect(await read('high')).toBe('high');
  expect(await read('highest')).toBe('high');
});

test('reply-to reads as addresses, display names dropped', async () => {
  const tb = fakeMessenger();
  const tab = tb.openCompose({ replyTo: ['"Team, Claims" <claims@example.gov>', 'desk@example.gov'] });
  const host = createComposeHost(tb.api, tab.id!, () => false);
  expect(await host.getReplyTo!()).toEqual(['claims@example.gov', 'desk@example.gov']);
});

describe('sending an opened message and the original', () => {
  test('send goes through the onBeforeSend listeners: what they change is sent, and the tab closes', async () => {
    const { tb, host } = original();
    tb.events.onBeforeSend.addListener(async () => ({
      details: { customHeaders: [{ name: 'X-Sendguard-Force-TLS', value: 'yes' }] },
    }));
    const opened = await host.newMessages!.open(TO_BOB);
    await opened.send!();
    await host.send!();
    expect(tb.sent.map((m) => [m.details.to, m.details.customHeaders])).toEqual([
      [['bob@partner.example'], [{ name: 'X-Sendguard-Force-TLS', value: 'yes' }]],
      [undefined, [{ name: 'X-Sendguard-Force-TLS', value: 'yes' }]],
    ]);
    expect(tb.composeTabs.size).toBe(0);
  });

  test('a message whose window is gone (sent, or closed by the sender) is MESSAGE_GONE to every call; one still open is not', async () => {
    const { tb, host } = original();
    const opened = await host.newMessages!.open(TO_BOB);
    await opened.send!();
    await expect(opened.send!()).rejects.toMatchObject({ code: MESSAGE_GONE });
    await expect(opened.host!.getRecipients()).rejects.toMatchObject({ code: MESSAGE_GONE });
    await expect(opened.host!.setSubject('x')).rejects.toMatchObject({ code: MESSAGE_GONE });
    await expect(opened.host!.listAttachments()).rejects.toMatchObject({ code: MESSAGE_GONE });
    tb.events.onBeforeSend.addListener(async () => ({ cancel: true }));
    const refused = host.send!();
    await expect(refused).rejects.toThrow(/aborted by an onBeforeSend event/);
    await expect(refused).rejects.not.toMatchObject({ code: MESSAGE_GONE });
  });

  test('a window closed while its attachments are being encrypted is MESSAGE_GONE to the attachment calls and to opening from it', async () => {
    const { host } = original();
    const opened = await host.newMessages!.open({
      ...TO_BOB,
      attachments: [
        { name: 'a.pdf', contentType: 'application/pdf', data: PDF, inline: false, kind: 'file' },
      ],
    });
    const [listed] = await opened.host!.listAttachments();
    await opened.send!();
    await expect(opened.host!.getAttachmentContent(listed!.id)).rejects.toMatchObject({ code: MESSAGE_GONE });
    await expect(opened.host!.removeAttachment(listed!.id)).rejects.toMatchObject({ code: MESSAGE_GONE });
    const encrypted = { name: 'a.pdf.pgp', contentType: 'application/octet-stream', data: PDF };
    await expect(opened.host!.addAttachment(encrypted)).rejects.toMatchObject({ code: MESSAGE_GONE });
    await host.send!();
    await expect(host.newMessages!.open(TO_BOB)).rejects.toMatchObject({ code: MESSAGE_GONE });
  });

  test('a send the check cancels rejects, and nothing leaves', async () => {
    const { tb, host } = original();
    tb.events.onBeforeSend.addListener(async () => ({ cancel: true }));
    await expect(host.send!()).rejects.toThrow(/aborted by an onBeforeSend event/);
    expect(tb.sent).toEqual([]);
    expect(tb.composeTabs.size).toBe(1);
  });
});
