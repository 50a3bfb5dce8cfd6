/** What the admin's secure-message routes answer (the contract): the sender routes' summary, with its owner. */
import type { MessageSummary } from '../../core/escrow/wire';
import type { AdminApi } from '../api';

export type AdminMessage = MessageSummary & { owner: string };

/** What a part of the page acting on one message is given. */
export interface MessagePartProps {
  api: AdminApi;
  message: AdminMessage;
  /** Told what was done, after each change; reads the list again. */
  onChanged: (text: string) => Promise<void>;
}

/** A message whose keys still exist: it can be revoked, its expiry changed, a recipient's access ended. */
export function stillOpen(message: AdminMessage): boolean {
  return message.state === 'ready' || message.state === 'uploading';
}
