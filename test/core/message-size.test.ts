/**
 * Message sizes before splitting: the estimate against messages really built — MIME by nodemailer, OpenPGP by
 * openpgp.js, secure pickup's streams by the escrow packer — never below what leaves, and not far above; and the
 * sentence that names a message over its limit.
 */
import { randomBytes } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { openpgp } from '../../src/server/keys/openpgp';
import { packStreams } from '../../src/core/escrow/package';
import { POLICY_LIMITS } from '../../src/core/policy/limits';
import {
  base64MimeLength,
  estimateSize,
  megabytes,
  sizeProblems,
  sizeProblemText,
  type MessageOutline,
} from '../../src/core/message-size';

const MiB = 1024 * 1024;
const TO = ['ann@tls.example', 'bob@pgp.example'];

/** A message with two files and an inline image; `files` sizes the files. */
function sample(files = [3 * MiB, 700 * 1024]) {
  const parts = [
    { name: 'contract.pdf', contentType: 'application/pdf', data: randomBytes(files[0]!), inline: false },
    {
      name: 'Übersicht.xlsx',
      contentType: 'application/vnd.ms-excel',
      data: randomBytes(files[1]!),
      inline: false,
    },
    { name: 'logo.png', contentType: 'image/png', data: randomBytes(40 * 1024), inline: true },
  ];
  const outline: MessageOutline = {
    subject: 'Vertrag für März ✓',
    html: `<p>${'Grüße aus dem Büro. '.repeat(400)}</p><img src="cid:logo">`,
    text: 'Grüße aus dem Büro. '.repeat(400),
    // As a host lists them, the inline flag included: every protection carries the image whatever it says.
    attachments: parts.map(({ name, contentType, data, inline }) => ({
      name,
      contentType,
      size: data.length,
      inline,
    })),
  };
  return { outline, parts };
}

async function mime(message: Parameters<ReturnType<typeof createTransport>['sendMail']>[0]): Promise<number> {
  const transport = createTransport({ streamTransport: true, buffer: true });
  const info = await transport.sendMail({ from: 'sam@example.gov', ...message });
  return (info.message as Buffer).length;
}

/** Never under the real size, and over it by at most 2 % and 16 KiB. */
function expectClose(estimate: number, real: number) {
  expect(estimate).toBeGreaterThanOrEqual(real);
  expect(estimate).toBeLessThanOrEqual(real * 1.02 + 16 * 1024);
}

test('RFC 2045 §6.8: base64 in lines of 76 characters, each ended by CRLF', () => {
  for (const n of [0, 1, 2, 3, 56, 57, 58, 1000, 123_457]) {
    const lines =
      randomBytes(n)
        .toString('base64')
        .match(/.{1,76}/g) ?? [];
    expect([n, base64MimeLength(n)]).toEqual([n, lines.reduce((sum, line) => sum + line.length + 2, 0)]);
  }
});

test('plain mail and forced TLS: about what nodemailer writes, every attachment base64', async () => {
  const { outline, parts } = sample();
  const real = await mime({
    to: TO,
    subject: outline.subject,
    html: outline.html,
    text: outline.text,
    attachments: parts.map(({ name, contentType, data, inline }) => ({
      filename: name,
      contentType,
      content: data,
      ...(inline ? { cid: 'logo' } : {}),
    })),
  });
  expectClose(estimateSize(outline, { protection: 'tls', addresses: TO }).sent, real);
});

test('OpenPGP: the armored body and each attachment, the inline image too, encrypted to every key', async () => {
  const { outline, parts } = sample();
  const keys = await Promise.all(
    ['ann@tls.example', 'bob@pgp.example', 'sam@example.gov', 'archive@example.gov'].map(
      async (email) =>
        (await openpgp.generateKey({ userIDs: [{ email }], type: 'rsa', rsaBits: 2048, format: 'object' }))
          .publicKey,
    ),
  );
  const body = await openpgp.encrypt({
    message: await openpgp.createMessage({ text: outline.text }),
    encryptionKeys: keys,
  });
  const files = await Promise.all(
    parts.map(async ({ name, data }) => ({
      filename: `${name}.pgp`,
      contentType: 'application/pgp-encrypted',
      content: Buffer.from(
        await openpgp.encrypt({
          message: await openpgp.createMessage({ binary: data, filename: name, format: 'binary' }),
          encryptionKeys: keys,
          format: 'binary',
        }),
      ),
    })),
  );
  const real = await mime({ to: TO, subject: outline.subject, text: body, attachments: files });
  expectClose(estimateSize(outline, { protection: 'pgp', addresses: TO }).sent, real);
}, 60_000);

/**
 * The session key packet openpgp.js writes for an RSA key of `bits` (RFC 9580 §5.1): version 6, as for a v6 key
 * (the larger: it names the key by its 32-byte fingerprint), the encrypted session key an MPI as long as the modulus.
 */
function rsaSessionKeyPacketBytes(bits: number): number {
  const c = new Uint8Array(bits / 8);
  c[0] = 0x80;
  // The fields a parsed packet has; the types declare none of them.
  const packet = Object.assign(new openpgp.PublicKeyEncryptedSessionKeyPacket(), {
    version: 6,
    publicKeyVersion: 6,
    publicKeyFingerprint: new Uint8Array(32),
    publicKeyAlgorithm: openpgp.enums.publicKey.rsaEncryptSign,
    encrypted: { c },
  });
  const list = new openpgp.PacketList();
  list.push(packet);
  return list.write().length;
}

test('OpenPGP: each key adds at least the session key packet of the largest RSA key the policy can require, to every encrypted part', () => {
  const { outline } = sample();
  const parts = 1 + outline.attachments.length;
  const perKey = rsaSessionKeyPacketBytes(POLICY_LIMITS.minRsaBitsMax);
  expect(perKey).toBeGreaterThan(2000);
  const sent = (n: number) =>
    estimateSize(outline, {
      protection: 'pgp',
      addresses: Array.from({ length: n }, (_, i) => `r${i}@pgp.example`),
    }).sent;
  expect(sent(5) - sent(4)).toBeGreaterThanOrEqual(parts * perKey);
});

test('secure pickup: the stored ciphertext as the escrow packer makes it, the inline image stored too, and the notice mail', () => {
  const { outline, parts } = sample();
  const streams = packStreams(
    randomBytes(32),
    { subject: outline.subject, html: outline.html, text: outline.text, replyPublicKey: 'k'.repeat(87) },
    parts.map(({ name, contentType, data }) => ({ name, type: contentType, data })),
  );
  const stored = streams.reduce((sum, s) => sum + s.size, 0);
  const estimate = estimateSize(outline, { protection: 'escrow', addresses: TO });
  expectClose(estimate.stored!, stored);
  expect(estimate.sent).toBeLessThan(64 * 1024);
});

test('each message over its limit is named with its size and the limit; one within is not', () => {
  const { outline } = sample([30 * MiB, 1024]);
  const problems = sizeProblems(
    outline,
    [
      { protection: 'tls', addresses: ['ann@tls.example'] },
      { protection: 'pgp', addresses: ['bob@pgp.example'] },
      { protection: 'escrow', addresses: ['cy@none.example', 'di@none.example'] },
    ],
    { messageBytes: 25 * MiB, escrowBytes: 20 * MiB },
  );
  expect(problems.map(sizeProblemText)).toEqual([
    'The message for ann@tls.example (forced TLS) would be about 41.2 MB; your organisation sends at most 25 MB.',
    'The message for bob@pgp.example (OpenPGP) would be about 41.2 MB; your organisation sends at most 25 MB.',
    'The message for cy@none.example and di@none.example would be about 30.1 MB stored for secure pickup; the Sendguard service stores at most 20 MB per message.',
  ]);
  expect(
    sizeProblems(sample([MiB, 1024]).outline, [{ protection: 'pgp', addresses: TO }], {
      messageBytes: 25 * MiB,
    }),
  ).toEqual([]);
});

test('a size is rounded up and a limit down, so that one over never reads as within', () => {
  expect(megabytes(25 * MiB + 1, 'up')).toBe('25.1 MB');
  expect(megabytes(25 * MiB + 1, 'down')).toBe('25 MB');
  expect(megabytes(64 * 1024, 'down')).toBe('64 KB');
  expect(megabytes(2 ** 31, 'down')).toBe('2048 MB');
});
