/**
 * jose for this CommonJS build. jose 6 ships ESM only: Node (≥ 20.19) loads it with `require`, but TypeScript
 * refuses a plain import from CommonJS, so the types are taken in import mode and the value is required.
 */
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const jose: typeof Jose = require('jose');

export type { JWTVerifyGetKey } from 'jose' with { 'resolution-mode': 'import' };
