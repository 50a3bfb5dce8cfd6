/**
 * The secure-pickup client's signature (src/addin/protect/escrow/), as the pane calls it. The pane receives the
 * function from its host entry, so the pane and its tests do not depend on how or when that library is loaded.
 */
import type { EscrowRecipient } from '../../core/escrow/wire';
import type { BackendConnection } from '../backend';

export interface EscrowRequest extends BackendConnection {
  message: {
    subject: string;
    html: string;
    text: string;
    attachments: Array<{ name: string; type: string; data: Blob | ArrayBuffer }>;
  };
  /** Each recipient with the proof the plan chose for them. */
  recipients: EscrowRecipient[];
  /** Named in the notice and the portal, and told once when someone keeps guessing a recipient's code. */
  sender?: { name: string; address: string };
  expiryDays: number;
  /** The sender's passcode: given exactly when some recipient's proof is `passcode`. */
  passcode?: string;
  onProgress?: (done: number, total: number) => void;
  fetch?: typeof fetch;
}

export interface EscrowResult {
  id: string;
  pickupUrl: string;
  /** The sender's own link (`#s1.…`): kept by the add-in and mailed to the sender only (src/addin/sent). */
  senderUrl: string;
  expiresAt: string;
  notice: { html: string; text: string };
}

export type EscrowMessage = (request: EscrowRequest) => Promise<EscrowResult>;
