/**
 * The options page's "test the connection": ask the backend for its policy with the saved settings and say in
 * one sentence what happened and what to do about it.
 */
import { BackendError, type Backend } from '../addin/backend';
import { messageOf } from '../core/errors';

const ADVICE: Record<BackendError['code'], string> = {
  BACKEND_TIMEOUT: 'Check the address, or try again: the service may be busy.',
  BACKEND_UNREACHABLE:
    'Check the address and that this computer can reach it (a company network or VPN may be needed).',
  BACKEND_UNAUTHORIZED: 'Check the API token, or ask your administrator for a new one.',
  // Only a client with a token source (Outlook's sign-in) answers this; Thunderbird's fixed token never does.
  BACKEND_NOT_SIGNED_IN: 'Check the API token, or ask your administrator for a new one.',
  BACKEND_REFUSED: 'Ask your administrator: the service refused the request.',
  BACKEND_BAD_ANSWER: 'Check the address: it does not seem to be a Sendguard service.',
  // Only accepting a key answers this; the connection test never does.
  KEY_CHANGED_AGAIN: 'Try again.',
};

export async function testConnection(backend: Backend): Promise<{ ok: boolean; text: string }> {
  try {
    const { version, policy } = await backend.policy();
    return {
      ok: true,
      text: `Connected to ${policy.organisation}’s Sendguard service (policy version ${version}). Every message you send is checked.`,
    };
  } catch (error) {
    if (error instanceof BackendError) return { ok: false, text: `${error.message} ${ADVICE[error.code]}` };
    return { ok: false, text: `The test failed: ${messageOf(error)}` };
  }
}
