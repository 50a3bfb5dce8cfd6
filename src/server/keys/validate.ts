/**
 * Whether one certificate can carry mail to one address at the moment of sending, judged with openpgp.js: the
 * same library the add-in encrypts with, so what passes here is what the sender can use. Every refusal names the
 * rule it broke in words a sender understands.
 */
import { openpgp, type AlgorithmInfo, type Config, type PublicKey, type Subkey, type User } from './openpgp';

const { enums } = openpgp;
import { mailboxKey } from '../../core/addresses';
import { userIdEmail } from './mailbox';
import { messageOf } from '../../core/errors';

export interface KeyRules {
  /** The policy's `keys.minRsaBits`. */
  minRsaBits: number;
  /** The policy's `keys.allowLegacyAlgorithms`: DSA and ElGamal. */
  allowLegacyAlgorithms: boolean;
  /** The time of sending. */
  now: Date;
}

export interface UsableKey {
  /** Upper-case hex, as KeyAssessment carries it. */
  fingerprint: string;
  /** ISO 8601, or null when neither the key nor its encryption subkey expires. */
  expires: string | null;
  /** "Ed25519 / Cv25519", "RSA 3072". */
  algorithm: string;
  /** The primary key, the user ID for this address and the encryption subkey, each with its own signatures. */
  armoredKey: string;
  created: Date;
}

export type Judgement =
  { usable: true; key: UsableKey } | { usable: false; fingerprint: string; reasons: string[] };

const LEGACY = new Set(['dsa', 'elgamal']);

/** Judges `key` for `address` (as `parseAddress` returns it) under `rules`. Never throws for a bad key. */
export async function validateKey(key: PublicKey, address: string, rules: KeyRules): Promise<Judgement> {
  const fingerprint = key.getFingerprint().toUpperCase();
  const refuse = (reason: string): Judgement => ({ usable: false, fingerprint, reasons: [reason] });
  const config = policyConfig(rules);
  try {
    if (await key.isRevoked(undefined, undefined, rules.now, config)) return refuse(revokedReason(key));
    const user = await userFor(key, address, rules.now, config);
    if (typeof user === 'string') return refuse(user);
    const userId = { email: user.userID?.email ?? '', name: user.userID?.name ?? '' };
    const keyExpiry = await key.getExpirationTime(userId, config);
    if (keyExpiry instanceof Date && keyExpiry <= rules.now) {
      return refuse(`the key expired on ${day(keyExpiry)}`);
    }
    const primaryRefusal = algorithmRefusal(key.getAlgorithmInfo(), rules);
    if (primaryRefusal !== undefined) return refuse(primaryRefusal);
    const encryptionKey = await key.getEncryptionKey(undefined, rules.now, userId, config).catch(() => null);
    if (encryptionKey === null) return refuse(await whyNoEncryptionKey(key, userId, rules));
    return { usable: true, key: await describeUsable(key, user, encryptionKey, keyExpiry, rules) };
  } catch (error) {
    // openpgp.js throws plain Errors for malformed or unverifiable material; the key is unusable either way.
    return refuse(`the key could not be verified: ${messageOf(error)}`);
  }
}

/** openpgp.js enforces the same limits while choosing the encryption subkey, so a weak subkey is skipped there. */
function policyConfig(rules: KeyRules): Config {
  return {
    ...openpgp.config,
    minRSABits: rules.minRsaBits,
    rejectPublicKeyAlgorithms: rules.allowLegacyAlgorithms
      ? new Set()
      : new Set([enums.publicKey.dsa, enums.publicKey.elgamal]),
  };
}

function revokedReason(key: PublicKey): string {
  const why = key.revocationSignatures.find(
    (signature) => signature.reasonForRevocationString,
  )?.reasonForRevocationString;
  return why ? `the key was revoked by its owner ("${why}")` : 'the key was revoked by its owner';
}

/** The first user ID naming `address` whose self-signature holds at `now`, or why there is none. */
async function userFor(key: PublicKey, address: string, now: Date, config: Config): Promise<User | string> {
  const wanted = mailboxKey(address);
  const named = key.users.filter((user) => {
    const email = userIdEmail(user);
    return email !== undefined && mailboxKey(email) === wanted;
  });
  if (named.length === 0) return noUserIdReason(key, address);
  const failures: string[] = [];
  for (const user of named) {
    try {
      await user.verify(now, config);
      return user;
    } catch (error) {
      failures.push(messageOf(error));
    }
  }
  if (failures.some((failure) => /revoked/i.test(failure))) return `the user ID for ${address} was revoked`;
  return `the user ID for ${address} has no valid self-signature (${failures[0]})`;
}

function noUserIdReason(key: PublicKey, address: string): string {
  const others = key.users.map(userIdEmail).filter((email): email is string => email !== undefined);
  if (others.length === 0) return `the key has no user ID for ${address} (it carries no user ID at all)`;
  const shown = others.slice(0, 3).join(', ') + (others.length > 3 ? ', …' : '');
  return `the key has no user ID for ${address} (it is for ${shown})`;
}

/** Tells a sign-only key apart from one whose encryption subkeys are too weak or no longer valid. */
async function whyNoEncryptionKey(
  key: PublicKey,
  userId: { email: string; name: string },
  rules: KeyRules,
): Promise<string> {
  const lenient = { ...policyConfig(rules), minRSABits: 0, rejectPublicKeyAlgorithms: new Set<number>() };
  const anyEncryptionKey = await key
    .getEncryptionKey(undefined, rules.now, userId, lenient)
    .catch(() => null);
  if (anyEncryptionKey !== null) {
    const refusal = algorithmRefusal(anyEncryptionKey.getAlgorithmInfo(), rules);
    if (refusal !== undefined) return `the encryption subkey is refused: ${refusal}`;
  }
  const flagged = [key, ...key.subkeys].some(canEncryptByFlags);
  return flagged
    ? 'every encryption subkey of the key is expired, revoked or not validly bound to it'
    : 'the key can only sign: it has no encryption subkey';
}

function canEncryptByFlags(key: PublicKey | Subkey): boolean {
  const signatures =
    key instanceof openpgp.PublicKey
      ? key.users.flatMap((user) => user.selfCertifications)
      : key.bindingSignatures;
  const mask = enums.keyFlags.encryptCommunication | enums.keyFlags.encryptStorage;
  return signatures.some((signature) => ((signature.keyFlags?.[0] ?? 0) & mask) !== 0);
}

/** Why the policy refuses an algorithm, or undefined when it accepts it. */
function algorithmRefusal(
  info: AlgorithmInfo,
  rules: Pick<KeyRules, 'minRsaBits' | 'allowLegacyAlgorithms'>,
) {
  if (LEGACY.has(info.algorithm) && !rules.allowLegacyAlgorithms) {
    return `${describeAlgorithm(info)} is a legacy algorithm the policy does not allow`;
  }
  if (info.algorithm.startsWith('rsa') && (info.bits ?? 0) < rules.minRsaBits) {
    return `${describeAlgorithm(info)} is below the ${rules.minRsaBits} bits the policy requires`;
  }
  return undefined;
}

const CURVE_NAMES: Record<string, string> = {
  curve25519Legacy: 'Cv25519',
  ed25519Legacy: 'Ed25519',
  nistP256: 'P-256',
  nistP384: 'P-384',
  nistP521: 'P-521',
  brainpoolP256r1: 'brainpoolP256r1',
  brainpoolP384r1: 'brainpoolP384r1',
  brainpoolP512r1: 'brainpoolP512r1',
  secp256k1: 'secp256k1',
};

/** The name GnuPG users know an algorithm by: "RSA 3072", "Ed25519", "Cv25519", "DSA 2048", "ECDH P-256". */
function describeAlgorithm(info: AlgorithmInfo): string {
  const curve = info.curve === undefined ? undefined : (CURVE_NAMES[info.curve] ?? info.curve);
  switch (info.algorithm) {
    case 'rsaEncryptSign':
    case 'rsaEncrypt':
    case 'rsaSign':
      return `RSA ${info.bits}`;
    case 'dsa':
      return `DSA ${info.bits}`;
    case 'elgamal':
      return `ElGamal ${info.bits}`;
    case 'eddsaLegacy':
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    case 'x25519':
      return 'X25519';
    case 'x448':
      return 'X448';
    case 'ecdh':
      return curve === 'Cv25519' ? curve : `ECDH ${curve}`;
    case 'ecdsa':
      return `ECDSA ${curve}`;
    default:
      return String(info.algorithm);
  }
}

async function describeUsable(
  key: PublicKey,
  user: User,
  encryptionKey: PublicKey | Subkey,
  keyExpiry: Date | number | null,
  rules: KeyRules,
): Promise<UsableKey> {
  const subkeyExpiry =
    encryptionKey === key ? Infinity : await (encryptionKey as Subkey).getExpirationTime(rules.now);
  const expiries = [keyExpiry, subkeyExpiry].filter((date): date is Date => date instanceof Date);
  const earliest = expiries.sort((a, b) => a.getTime() - b.getTime())[0];
  const primary = describeAlgorithm(key.getAlgorithmInfo());
  const encryption = describeAlgorithm(encryptionKey.getAlgorithmInfo());
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    expires: earliest === undefined ? null : earliest.toISOString(),
    algorithm: primary === encryption ? primary : `${primary} / ${encryption}`,
    armoredKey: minimalKey(key, user, encryptionKey).armor(),
    created: key.getCreationTime(),
  };
}

/**
 * What the sender needs to encrypt, and no more: other user IDs would show the sender addresses the recipient
 * did not give them, and third-party certifications and signing subkeys only add weight.
 */
function minimalKey(key: PublicKey, user: User, encryptionKey: PublicKey | Subkey): PublicKey {
  const all = key.toPacketList();
  // The primary key packet and the signatures directly on it (revocations, direct-key signatures).
  const primaryEnd = all.findIndex(
    (packet, index) => index > 0 && !(packet instanceof openpgp.SignaturePacket),
  );
  const packets = new openpgp.PacketList();
  packets.push(...all.slice(0, primaryEnd === -1 ? all.length : primaryEnd));
  if (user.userID !== null) packets.push(user.userID);
  packets.push(...user.revocationSignatures, ...user.selfCertifications);
  if (encryptionKey !== key) {
    const subkey = encryptionKey as Subkey;
    packets.push(subkey.keyPacket, ...subkey.revocationSignatures, ...subkey.bindingSignatures);
  }
  return new openpgp.PublicKey(packets);
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
