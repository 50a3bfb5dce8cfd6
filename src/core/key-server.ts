/**
 * The key server asked last when an address has no key elsewhere: keys.openpgp.org, a Verifying Key Server. A
 * constant of its own so that what names it — the service's settings, the `keys` command's help — need not load
 * the key lookup (and openpgp.js) to say it.
 */
export const VKS_DEFAULT_BASE_URL = 'https://keys.openpgp.org';
