/**
 * The request headers of the escrow API that the pickup page sends and the server checks, named once for both
 * sides (docs/escrow-protocol.md, "Headers"). Lower case, as Node hands request headers over.
 */

/**
 * Set to `PORTAL_REQUEST_MARK` on the recipient's state-changing calls: a cross-site form cannot send it without a
 * CORS preflight, which the server refuses.
 */
export const PORTAL_REQUEST_HEADER = 'x-sendguard-portal';
export const PORTAL_REQUEST_MARK = '1';

/** The session's CSRF token, which the page holds in memory after a verified code and echoes back. */
export const CSRF_HEADER = 'x-sendguard-csrf';

/** The sender's proof of their link's secret (`senderAccess`, base64url), on every sender-link call. */
export const SENDER_ACCESS_HEADER = 'x-sendguard-sender';
