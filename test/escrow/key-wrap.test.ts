/**
 * Key wrapping, links, reply keys and reply tags. Known answer in the other direction from the stream test:
 * node:crypto wraps a content key (and the sender's copy of it) with a fixed nonce, and makes a reply tag, from the
 * protocol document alone, and our code must open or match it.
 */
import { createCipheriv, createHmac, hkdfSync } from 'node:crypto';
import { passcodeCheck, passcodeKey, unwrapContentKey, wrapContentKey } from '../../src/core/escrow/key-wrap';
import { parseFragment, pickupUrl } from '../../src/core/escrow/link';
import {
  makeReplyKeys,
  replyContentKey,
  replyKeyForRecipient,
  unwrapContentKeyForSender,
  unwrapReplyPrivateKey,
  wrapContentKeyForSender,
} from '../../src/core/escrow/sender-keys';
import { replyTag, replyTagValid } from '../../src/core/escrow/reply-tag';

const fill = (byte: number, n = 32) => new Uint8Array(n).fill(byte);
const id = 'AAAAAAAAAAAAAAAAAAAAAA';

test('a content key wrapped by node:crypto (fixed nonce) opens with link + server secret and nothing less', async () => {
  const [link, server, contentKey] = [fill(1), fill(2), fill(3)];
  const wrapKey = Buffer.from(
    hkdfSync('sha256', Buffer.concat([link, server]), Buffer.from(id), 'sendguard-escrow/v1/wrap', 32),
  );
  const nonce = Buffer.alloc(12, 9);
  const cipher = createCipheriv('aes-256-gcm', wrapKey, nonce).setAAD(
    Buffer.from(`sendguard-escrow/v1/content-key:${id}`),
  );
  const wrapped = Buffer.concat([nonce, cipher.update(contentKey), cipher.final(), cipher.getAuthTag()]);
  expect(wrapped.toString('hex')).toBe(
    '090909090909090909090909d84b2f89a51b0cfa35c4a947f742053bfe304bb759c141d5d4ae3db4f94d34580352fee1ad1e0c80aa18be44e3468155',
  );
  expect(await unwrapContentKey(wrapped, { messageId: id, linkSecret: link, serverSecret: server })).toEqual(
    contentKey,
  );
  await expect(
    unwrapContentKey(wrapped, { messageId: id, linkSecret: fill(0), serverSecret: server }),
  ).rejects.toMatchObject({ code: 'ESCROW_DECRYPT_FAILED' });
  await expect(
    unwrapContentKey(wrapped, { messageId: id, linkSecret: link, serverSecret: fill(0) }),
  ).rejects.toMatchObject({ code: 'ESCROW_DECRYPT_FAILED' });
  await expect(
    unwrapContentKey(wrapped, {
      messageId: 'BBBBBBBBBBBBBBBBBBBBBB',
      linkSecret: link,
      serverSecret: server,
    }),
  ).rejects.toBeDefined();
});

test('with a passcode, the passcode key is a third required input', async () => {
  const key = await passcodeKey('Tr0ub4dor', fill(5, 16));
  const wrapped = await wrapContentKey(fill(3), {
    messageId: id,
    linkSecret: fill(1),
    serverSecret: fill(2),
    passcodeKey: key,
  });
  await expect(
    unwrapContentKey(wrapped, { messageId: id, linkSecret: fill(1), serverSecret: fill(2) }),
  ).rejects.toBeDefined();
  const again = await passcodeKey('Tr0ub4dor'.normalize('NFD'), fill(5, 16));
  expect(
    await unwrapContentKey(wrapped, {
      messageId: id,
      linkSecret: fill(1),
      serverSecret: fill(2),
      passcodeKey: again,
    }),
  ).toEqual(fill(3));
  expect(await passcodeCheck(key, fill(5, 16))).not.toEqual(key);
}, 20_000);

test('links carry the secret only in the fragment and parse back; damaged fragments are refused', () => {
  const url = pickupUrl('https://sendguard.example.org/base', {
    role: 'recipient',
    messageId: id,
    secret: fill(4),
  });
  expect(url.startsWith('https://sendguard.example.org/base/pickup/#r1.')).toBe(true);
  expect(new URL(url).search).toBe('');
  expect(parseFragment(new URL(url).hash)).toEqual({ role: 'recipient', messageId: id, secret: fill(4) });
  const senderUrl = pickupUrl('https://sendguard.example.org', {
    role: 'sender',
    messageId: id,
    secret: fill(5),
  });
  expect(parseFragment(` ${new URL(senderUrl).hash.slice(1)} `)).toEqual({
    role: 'sender',
    messageId: id,
    secret: fill(5),
  });
  for (const bad of [
    '',
    '#r1',
    `#r1.${id}.short`,
    `#x1.${id}.${'A'.repeat(43)}`,
    `#r1.${id}.${'A'.repeat(43)}=`,
    `#r1.${id}.${'A'.repeat(44)}`,
    `#r1.${id}.${'A'.repeat(43)}.more`,
    `#r1.${id.slice(1)}.${'A'.repeat(43)}`,
    `##r1.${id}.${'A'.repeat(43)}`,
    `#constructor.${id}.${'A'.repeat(43)}`,
    `#recipient.${id}.${'A'.repeat(43)}`,
  ])
    expect(() => parseFragment(bad)).toThrow(expect.objectContaining({ code: 'ESCROW_LINK_INVALID' }));
});

test('reply keys: the recipient derives a key only the sender secret can re-derive', async () => {
  const senderSecret = fill(6);
  const keys = await makeReplyKeys(senderSecret);
  const { contentKey, ephemeralPublicKey } = await replyKeyForRecipient(keys.publicKey, id);
  const privateKey = await unwrapReplyPrivateKey(keys.wrappedPrivateKey, senderSecret);
  expect(await replyContentKey(privateKey, ephemeralPublicKey, ephemeralPublicKey, id)).toEqual(contentKey);
  await expect(unwrapReplyPrivateKey(keys.wrappedPrivateKey, fill(7))).rejects.toMatchObject({
    code: 'ESCROW_DECRYPT_FAILED',
  });
});

test("the sender's copy of the content key (WS), made by node:crypto from the document, opens with the sender secret only", async () => {
  const [senderSecret, contentKey] = [fill(8), fill(3)];
  const info = 'sendguard-escrow/v1/sender-content-key';
  const key = Buffer.from(hkdfSync('sha256', senderSecret, Buffer.from(id), info, 32));
  const nonce = Buffer.alloc(12, 4);
  const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(Buffer.from(`${info}:${id}`));
  const wrapped = Buffer.concat([nonce, cipher.update(contentKey), cipher.final(), cipher.getAuthTag()]);
  expect(await unwrapContentKeyForSender(wrapped, senderSecret, id)).toEqual(contentKey);
  const ours = await wrapContentKeyForSender(contentKey, senderSecret, id);
  expect(await unwrapContentKeyForSender(ours, senderSecret, id)).toEqual(contentKey);
  await expect(unwrapContentKeyForSender(wrapped, fill(9), id)).rejects.toMatchObject({
    code: 'ESCROW_DECRYPT_FAILED',
  });
  await expect(
    unwrapContentKeyForSender(wrapped, senderSecret, 'BBBBBBBBBBBBBBBBBBBBBB'),
  ).rejects.toMatchObject({ code: 'ESCROW_DECRYPT_FAILED' });
});

test('a reply tag is the HMAC the document gives, over the replier and the ephemeral key, under a key from K', async () => {
  const contentKey = fill(3);
  const ephemeralPublicKey = new Uint8Array(65).fill(0x42);
  const raKey = hkdfSync('sha256', contentKey, Buffer.from(id), 'sendguard-escrow/v1/reply-auth', 32);
  const expected = createHmac('sha256', Buffer.from(raKey))
    .update(Buffer.from('sendguard-escrow/v1/reply-tag:bob@partner.test'))
    .update(Buffer.from([0]))
    .update(ephemeralPublicKey)
    .digest();
  const input = { contentKey, messageId: id, from: 'bob@partner.test', ephemeralPublicKey };
  expect(Buffer.from(await replyTag(input))).toEqual(expected);
  expect(await replyTagValid(input, expected)).toBe(true);
  // Another holder of nothing but the server's data: another key, another address or another point.
  expect(await replyTagValid({ ...input, contentKey: fill(4) }, expected)).toBe(false);
  expect(await replyTagValid({ ...input, from: 'carol@partner.test' }, expected)).toBe(false);
  expect(await replyTagValid({ ...input, ephemeralPublicKey: fill(0x43, 65) }, expected)).toBe(false);
});
