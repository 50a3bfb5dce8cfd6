/** Recipient key discovery and validation: what the API, the CLI and the test bed import. */
export { readKeyBlock } from './key-read';
export { CachingKeyService } from './key-service';
export { lookupKey } from './lookup';
export { DirectoryKeyring } from './org-keyring';
export { FIRST_USE } from './pins';
// The one pin contract is the store's; a process with no store (the `keys` command) keeps its pins in memory.
export { MemoryPinStore } from '../store/memory';
