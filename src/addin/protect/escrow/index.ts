/**
 * The secure-pickup client as the add-ins load it, on first use (a chunk of its own).
 */
export { escrowMessage, type EscrowedMessage, type EscrowMessageOptions } from './escrow-message';
export { pickupNotice, type NoticeInput } from './notice';
