/**
 * The pane's client for the sender's secure-pickup messages (`/api/v1/escrow/messages`: list, revoke, change
 * expiry), over the backend client's own request (token, deadline, BackendError codes). Only the pane's "Sent
 * securely" list uses these calls, so they live here and not in backend.ts, which the send handler bundles.
 */
import type { MessageSummary } from '../../core/escrow/wire';
import { type Backend, untrusted } from '../backend';
import { readSentMessages } from './read-sent-messages';

export interface SentClient {
  /** The sender's secure-pickup messages, as the service knows them (no subject: it never sees one). */
  sentMessages(): Promise<MessageSummary[]>;
  /** Ends every recipient's access to one of the sender's messages: the service destroys its key material. */
  revokeMessage(id: string): Promise<void>;
  /** Moves one of the sender's messages' expiry; the service refuses a time past its longest stay. */
  changeExpiry(id: string, expiresAt: Date): Promise<void>;
}

const messagePath = (id: string, action: string) =>
  `/api/v1/escrow/messages/${encodeURIComponent(id)}/${action}`;

/** The client over `backend`; undefined where the backend client makes no requests of its own (no list then). */
export function sentClient(backend: Backend): SentClient | undefined {
  const { request } = backend;
  if (!request) return undefined;
  return {
    async sentMessages() {
      const body = await request('/api/v1/escrow/messages', { method: 'GET' });
      return untrusted(() => readSentMessages(body));
    },
    async revokeMessage(id) {
      await request(messagePath(id, 'revoke'), { method: 'POST' });
    },
    async changeExpiry(id, expiresAt) {
      await request(messagePath(id, 'expiry'), {
        method: 'POST',
        body: JSON.stringify({ expiresAt: expiresAt.toISOString() }),
      });
    },
  };
}
