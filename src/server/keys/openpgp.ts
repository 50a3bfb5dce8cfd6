/**
 * openpgp.js for this CommonJS build. The package ships a CommonJS bundle (its `require` export) but declares its
 * types for ESM only, so TypeScript refuses a plain import; the types are taken in import mode and the value is
 * required. Every file of this folder imports openpgp.js through here.
 */
import type * as OpenPgp from 'openpgp' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const openpgp: typeof OpenPgp = require('openpgp');

export type { AlgorithmInfo, Config, Key, PublicKey, Subkey, User } from 'openpgp' with {
  'resolution-mode': 'import',
};
