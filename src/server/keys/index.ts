/** Recipient key discovery and validation: what the API, the CLI and the test bed import. */
export { decide, type Decision } from './decide';
export { KeyReadError, readKeyBlock } from './key-read';
export {
  CachingKeyService,
  MemoryKeyVerdictCache,
  type KeyService,
  type KeyServiceOptions,
  type KeyVerdictCache,
} from './key-service';
export { DEFAULT_TIMEOUTS, lookupKey, type KeyLookupDeps, type KeyLookupOptions } from './lookup';
export { getDnsKey, openpgpkeyName } from './openpgpkey-dns';
export { DirectoryKeyring, type KeyringProblem, type OrgKeyring } from './org-keyring';
export { FIRST_USE, MemoryPinStore, type Pin, type PinStore } from './pins';
export type { SourceResult } from './source-result';
export { describeAlgorithm, validateKey, type KeyRules, type UsableKey } from './validate';
export { getVksKey, VKS_DEFAULT_BASE_URL, vksUrl } from './vks';
export { getWkdKey, wkdHash, wkdUrls } from './wkd';
