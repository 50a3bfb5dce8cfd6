/**
 * OpenPGP output of the pane, read by the recipients' tools: the inline body and each `.pgp` attachment, encrypted
 * to a GnuPG Ed25519 key, a GnuPG RSA key and a Sequoia key at once, decrypt with `gpg` and with `sq`, each
 * recipient with only their own secret key.
 */
import { randomBytes } from 'node:crypto';
import { encryptMessage, PgpError } from '../../src/addin/protect/pgp';
import { gpgDecrypt, gpgKey, peerHome, sqDecrypt, sqKey, type PeerKey } from './openpgp-peers';

let ed: PeerKey;
let rsa: PeerKey;
let sq: PeerKey;

beforeAll(() => {
  const home = peerHome();
  ed = gpgKey(home, 'Ed <ed@example.org>');
  rsa = gpgKey(home, 'Rae <rae@example.org>', 'rsa3072');
  sq = sqKey(peerHome(), 'sky@example.org');
}, 120_000);

const TEXT = 'Patient: Jane Roe\nDiagnosis: ünïcödé survives — 100 %\n';

describe('OpenPGP for a message', () => {
  let output: Awaited<ReturnType<typeof encryptMessage>>;
  const file = randomBytes(200_000);
  const progress: Array<[number, number]> = [];

  beforeAll(async () => {
    output = await encryptMessage({
      text: TEXT,
      attachments: [
        { name: 'scan.pdf', data: file.buffer.slice(file.byteOffset, file.byteOffset + file.length) },
      ],
      // The RSA key twice (a recipient who is also the sender): encrypted to once.
      keys: [ed.publicKey, rsa.publicKey, sq.publicKey, rsa.publicKey],
      onProgress: (done, total) => progress.push([done, total]),
    });
  }, 60_000);

  test('the body is one inline armored PGP message', () => {
    expect(output.body).toMatch(/^-----BEGIN PGP MESSAGE-----\n[\s\S]+\n-----END PGP MESSAGE-----\n?$/);
    expect(output.body).not.toContain('Jane Roe');
  });

  test.each([
    ['gpg with the Ed25519 key', () => gpgDecrypt([ed.secretFile], output.body)],
    ['gpg with the RSA key', () => gpgDecrypt([rsa.secretFile], output.body)],
    ['sq with the Sequoia key', () => sqDecrypt(sq.secretFile, output.body)],
    ['sq with the GnuPG Ed25519 key', () => sqDecrypt(ed.secretFile, output.body)],
  ])('the body decrypts: %s', (_name, decrypt) => {
    // Text literal data travels with CRLF line ends (RFC 9580 §5.9); gpg converts back to local ends, sq does not.
    expect(decrypt().toString('utf8').replace(/\r\n/g, '\n')).toBe(TEXT);
  });

  test('each attachment becomes name.pgp that gpg and sq decrypt to the same bytes', () => {
    expect(output.attachments.map((a) => a.name)).toEqual(['scan.pdf.pgp']);
    const encrypted = Buffer.from(output.attachments[0]!.data);
    expect(gpgDecrypt([rsa.secretFile], encrypted).equals(file)).toBe(true);
    expect(sqDecrypt(sq.secretFile, encrypted).equals(file)).toBe(true);
  });

  test('progress is reported after the body and after each attachment', () => {
    expect(progress).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });

  test('no keys, or an unreadable key, is an error rather than an unencrypted message', async () => {
    await expect(encryptMessage({ text: 'x', attachments: [], keys: [] })).rejects.toBeInstanceOf(PgpError);
    await expect(encryptMessage({ text: 'x', attachments: [], keys: ['not a key'] })).rejects.toMatchObject({
      code: 'PGP_BAD_KEY',
    });
  });
});
