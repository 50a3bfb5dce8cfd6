/**
 * The key module on top of the backend's store: the organisation keyring an admin manages through the API lives
 * in the store's tables, and the lookups read it through the module's `OrgKeyring`. (Pins need no adapter: the
 * lookups use the store's `PinStore` itself.)
 */
import { SendguardError } from '../../core/errors';
import type { KeyringStore } from '../store/store';
import type { KeyInspector } from '../services';
import { readKeyBlock } from './key-read';
import { mailboxKey } from '../../core/addresses';
import { userIdEmail } from './mailbox';
import type { PublicKey } from './openpgp';
import type { OrgKeyring } from './org-keyring';

export function keyringInStore(keyring: KeyringStore): OrgKeyring {
  return {
    async keysFor(address) {
      const entries = await keyring.findByAddress(mailboxKey(address) ?? address);
      const keys = await Promise.all(entries.map((entry) => readKeyBlock(entry.armoredKey)));
      return keys.flat();
    },
  };
}

/** Several keyrings as one: the admin's uploads and, where configured, a directory of files. */
export function keyrings(...sources: OrgKeyring[]): OrgKeyring {
  return {
    async keysFor(address) {
      return (await Promise.all(sources.map((source) => source.keysFor(address)))).flat();
    },
  };
}

function addressesOf(key: PublicKey): string[] {
  const found = key.users.map(userIdEmail).flatMap((email) => {
    const normalised = email === undefined ? undefined : mailboxKey(email);
    return normalised === undefined ? [] : [normalised];
  });
  return [...new Set(found)];
}

/** What the keyring upload needs to know of an armored key: exactly one key, with at least one address. */
export const keyInspector: KeyInspector = {
  async inspect(armoredKey) {
    const keys = await readKeyBlock(armoredKey);
    if (keys.length !== 1) {
      throw new SendguardError('KEY_INVALID', `upload one key at a time (this holds ${keys.length})`);
    }
    const [key] = keys as [PublicKey];
    const addresses = addressesOf(key);
    if (addresses.length === 0) {
      throw new SendguardError('KEY_INVALID', 'the key has no user ID with an e-mail address');
    }
    return { fingerprint: key.getFingerprint().toUpperCase(), addresses };
  },
};
