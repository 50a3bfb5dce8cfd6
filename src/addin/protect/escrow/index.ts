/**
 * The secure-pickup client as the add-ins load it (the Outlook bundle aliases `sendguard-escrow` to this file).
 */
export { escrowMessage, type EscrowedMessage, type EscrowMessageOptions } from './escrow-message';
export { pickupNotice, type NoticeInput } from './notice';
