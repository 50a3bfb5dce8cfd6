/**
 * naa.ts in classic Outlook's JavaScript-only runtime (its webpack build puts this in its place): MSAL needs a
 * browser window that runtime does not have, so the send handler there signs in with Office SSO.
 */
import type { NestedAppAuth } from './naa';

export const nestedAppAuth: NestedAppAuth | undefined = undefined;
