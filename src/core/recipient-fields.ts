/**
 * The header fields that carry recipients. On its own, with no dependency, so that the send handler can list the
 * fields without carrying the address parser and its IDNA tables.
 */
export type RecipientField = 'to' | 'cc' | 'bcc';

/** In the order they are read and shown. */
export const RECIPIENT_FIELDS: readonly RecipientField[] = ['to', 'cc', 'bcc'];
