/** Where a recipient's OpenPGP key came from, in the words the pane uses after "from the". */
import type { KeySource } from '../../core/vocabulary';

export const KEY_SOURCE_NAMES: Record<KeySource, string> = {
  org: "organisation's keyring",
  wkd: 'web key directory',
  vks: 'key server',
  dns: 'DNSSEC-signed DNS',
  pinned: 'key used before',
};
