/** What the admin's secure-message routes answer (the contract): the sender routes' summary, with its owner. */
import type { MessageSummary } from '../../core/escrow/wire';

export type AdminMessage = MessageSummary & { owner: string };

/** A message whose keys still exist: it can be revoked, its expiry changed, a recipient's access ended. */
export function stillOpen(message: AdminMessage): boolean {
  return message.state === 'ready' || message.state === 'uploading';
}
