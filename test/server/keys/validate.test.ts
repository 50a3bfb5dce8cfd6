/**
 * validateKey against certificates made by GnuPG and Sequoia: every refusal names its rule, and what is accepted
 * is what openpgp.js (the add-in's library) can encrypt to.
 */
import { readKeyBlock, KeyReadError } from '../../../src/server/keys/key-read';
import { openpgp } from '../../../src/server/keys/openpgp';
import { validateKey, type Judgement } from '../../../src/server/keys/validate';
import { fingerprintOf, fixture, NOW, RULES } from './fixtures';

async function judge(file: string, address: string, rules = RULES): Promise<Judgement> {
  const [key] = await readKeyBlock(fixture(file));
  return validateKey(key!, address, rules);
}

describe('validateKey: usable keys', () => {
  test.each([
    ['gpg-rsa3072.asc', 'alice@example.org', 'RSA 3072', null],
    ['gpg-ed25519.asc', 'bob@example.org', 'Ed25519 / Cv25519', null],
    ['sq-cv25519.asc', 'sam@example.org', 'Ed25519 / Cv25519', '2029-'],
    ['sq-rsa3k.asc', 'rita@example.org', 'RSA 3072', '2029-'],
    ['gpg-two-uids.asc', 'carol@example.org', 'Ed25519 / Cv25519', null],
    ['gpg-two-uids.asc', 'carol@partner.example', 'Ed25519 / Cv25519', null],
    ['gpg-uid-revoked.asc', 'uma@other.example', 'Ed25519 / Cv25519', null],
  ])('%s for %s: %s', async (file, address, algorithm, expires) => {
    const judgement = await judge(file, address);
    if (!judgement.usable) throw new Error(judgement.reasons.join('; '));
    expect(judgement.key.fingerprint).toBe(fingerprintOf(file));
    expect(judgement.key.algorithm).toBe(algorithm);
    if (expires === null) expect(judgement.key.expires).toBeNull();
    else expect(judgement.key.expires).toMatch(new RegExp(`^${expires}`));
  });

  test.each(['Joe.Doe@example.org', 'joe.doe@example.org', 'JOE.DOE@EXAMPLE.ORG'])(
    'a user ID <Joe.Doe@Example.ORG> matches %s: local part case-blind, domain as A-label',
    async (address) => {
      expect((await judge('gpg-mixed-case.asc', address)).usable).toBe(true);
    },
  );

  test('DSA/ElGamal is usable only when the policy allows legacy algorithms', async () => {
    const judgement = await judge('gpg-dsa-elg.asc', 'dave@example.org', {
      ...RULES,
      allowLegacyAlgorithms: true,
    });
    expect(judgement).toMatchObject({ usable: true, key: { algorithm: 'DSA 2048 / ElGamal 2048' } });
  });

  test('RSA 1024 passes a policy that asks for 1024 bits only', async () => {
    const judgement = await judge('gpg-rsa1024.asc', 'wes@example.org', { ...RULES, minRsaBits: 1024 });
    expect(judgement.usable).toBe(true);
  });

  test('the minimal key keeps one user ID and the encryption subkey, and openpgp.js encrypts to it', async () => {
    const judgement = await judge('gpg-two-uids.asc', 'carol@partner.example');
    if (!judgement.usable) throw new Error('expected usable');
    const minimal = await openpgp.readKey({ armoredKey: judgement.key.armoredKey });
    expect(minimal.getUserIDs()).toEqual(['Carol <carol@partner.example>']);
    expect(minimal.subkeys).toHaveLength(1);
    expect(minimal.getFingerprint().toUpperCase()).toBe(fingerprintOf('gpg-two-uids.asc'));
    const message = await openpgp.createMessage({ text: 'hello' });
    const encrypted = await openpgp.encrypt({ message, encryptionKeys: minimal, date: NOW });
    expect(encrypted).toContain('BEGIN PGP MESSAGE');
  });

  test('Sequoia keys keep only the encryption subkey in the minimal key', async () => {
    const judgement = await judge('sq-cv25519.asc', 'sam@example.org');
    if (!judgement.usable) throw new Error('expected usable');
    const minimal = await openpgp.readKey({ armoredKey: judgement.key.armoredKey });
    expect(minimal.subkeys.map((subkey) => subkey.getAlgorithmInfo().algorithm)).toEqual(['ecdh']);
  });
});

describe('validateKey: each refusal names its rule', () => {
  test.each([
    ['gpg-expired.asc', 'erin@example.org', 'the key expired on 2021-01-01'],
    ['sq-expired.asc', 'ezra@example.org', 'the key expired on 2021-01-01'],
    ['gpg-revoked.asc', 'rick@example.org', 'the key was revoked by its owner'],
    ['gpg-sign-only.asc', 'sid@example.org', 'the key can only sign: it has no encryption subkey'],
    ['sq-sign-only.asc', 'sol@example.org', 'the key can only sign: it has no encryption subkey'],
    [
      'gpg-wrong-uid.asc',
      'bob@example.org',
      'the key has no user ID for bob@example.org (it is for mallory@example.net)',
    ],
    ['gpg-uid-revoked.asc', 'uma@example.org', 'the user ID for uma@example.org was revoked'],
    ['gpg-two-uids.asc', 'carol@elsewhere.example', 'the key has no user ID for carol@elsewhere.example'],
    ['gpg-dsa-elg.asc', 'dave@example.org', 'DSA 2048 is a legacy algorithm the policy does not allow'],
    ['gpg-rsa1024.asc', 'wes@example.org', 'RSA 1024 is below the 2048 bits the policy requires'],
  ])('%s for %s: "%s"', async (file, address, reason) => {
    const judgement = await judge(file, address);
    expect(judgement.usable).toBe(false);
    if (judgement.usable) return;
    expect(judgement.fingerprint).toBe(fingerprintOf(file));
    expect(judgement.reasons[0]).toContain(reason);
  });

  test('a key valid today is expired at a later time of sending (injected clock)', async () => {
    const judgement = await judge('sq-cv25519.asc', 'sam@example.org', {
      ...RULES,
      now: new Date('2030-01-01'),
    });
    expect(judgement).toMatchObject({
      usable: false,
      reasons: [expect.stringMatching(/^the key expired on 2029-/)],
    });
  });

  test('RSA 3072 is refused by a policy asking for 4096 bits', async () => {
    const judgement = await judge('gpg-rsa3072.asc', 'alice@example.org', { ...RULES, minRsaBits: 4096 });
    expect(judgement).toMatchObject({ reasons: ['RSA 3072 is below the 4096 bits the policy requires'] });
  });

  test('a key created after the time of sending is refused, not trusted', async () => {
    const judgement = await judge('gpg-ed25519.asc', 'bob@example.org', {
      ...RULES,
      now: new Date('2020-01-01'),
    });
    expect(judgement.usable).toBe(false);
  });
});

describe('readKeyBlock: hostile and odd input', () => {
  test('several armored keys back to back are all read', async () => {
    const keys = await readKeyBlock(
      Buffer.concat([fixture('gpg-ed25519.asc'), fixture('sq-cv25519.asc'), fixture('gpg-rsa3072.asc')]),
    );
    expect(keys.map((key) => key.getFingerprint().toUpperCase())).toEqual(
      ['gpg-ed25519.asc', 'sq-cv25519.asc', 'gpg-rsa3072.asc'].map(fingerprintOf),
    );
  });

  test('binary keys back to back are all read', async () => {
    const binaries = await Promise.all(
      ['gpg-ed25519.asc', 'sq-rsa3k.asc'].map(async (file) =>
        (await readKeyBlock(fixture(file)))[0]!.write(),
      ),
    );
    expect(await readKeyBlock(Buffer.concat(binaries))).toHaveLength(2);
  });

  test.each([
    ['empty', Buffer.alloc(0)],
    ['text', Buffer.from('<html>not found</html>')],
    ['random bytes', Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 7919) % 256))],
    ['a truncated armor block', Buffer.from('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ')],
  ])('%s is a KeyReadError, never a crash', async (_name, data) => {
    await expect(readKeyBlock(data)).rejects.toBeInstanceOf(KeyReadError);
  });

  test('RFC 9580 §5.5.2: a version 3 key is refused as unreadable', async () => {
    // Old-format tag 6, version 3, creation time, validity days, RSA, then n and e as MPIs.
    const n = Buffer.concat([Buffer.from([0x04, 0x00]), Buffer.alloc(128, 0xc5)]);
    const e = Buffer.from([0x00, 0x11, 0x01, 0x00, 0x01]);
    const body = Buffer.concat([Buffer.from([3, 0x5e, 0, 0, 0, 0, 0, 1]), n, e]);
    const v3 = Buffer.concat([Buffer.from([0x99, body.length >> 8, body.length & 0xff]), body]);
    await expect(readKeyBlock(v3)).rejects.toThrow(KeyReadError);
  });

  test('more than 16 keys in one answer are refused', async () => {
    const many = Buffer.concat(Array.from({ length: 17 }, () => fixture('gpg-ed25519.asc')));
    await expect(readKeyBlock(many)).rejects.toThrow(/more than the 16 allowed|more than 16/);
  });
});
