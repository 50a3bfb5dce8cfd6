/** Recipient key discovery and validation: what the API, the CLI and the test bed import. */
export { decide, type Decision } from './decide';
export { KeyReadError, readKeyBlock } from './key-read';
export { CachingKeyService, type KeyServiceOptions } from './key-service';
export { DEFAULT_TIMEOUTS, lookupKey, type KeyLookupDeps, type KeyLookupOptions } from './lookup';
export { getDnsKey, openpgpkeyName } from './openpgpkey-dns';
export { DirectoryKeyring, type KeyringProblem, type OrgKeyring } from './org-keyring';
export { FIRST_USE } from './pins';
// The one pin contract is the store's; a process with no store (the `keys` command) keeps its pins in memory.
export { MemoryPinStore } from '../store/memory';
export type { Pin, PinStore } from '../store/store';
export type { SourceResult } from './source-result';
export { describeAlgorithm, validateKey, type KeyRules, type UsableKey } from './validate';
export { getVksKey, VKS_DEFAULT_BASE_URL, vksUrl } from './vks';
export { getWkdKey, wkdHash, wkdUrls } from './wkd';
