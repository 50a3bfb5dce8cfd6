/**
 * Microsoft Graph's origin in Microsoft's global cloud: the Outlook add-in reads distribution lists there with the
 * sender's token (src/outlook/graph), and the service's pages let it connect there (src/server/web).
 */
export const MICROSOFT_GRAPH = 'https://graph.microsoft.com';
