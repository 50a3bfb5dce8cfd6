/** Authentication: what code outside the auth module (the CLI's token command) imports. */
export { issueApiToken, revokeToken } from './api-tokens';
export { parseTokenOwner } from './token-owner';
