/**
 * The options page's "test the connection": ask the backend for its policy with the saved settings and say in
 * one sentence what happened and what to do about it.
 */
import { BackendError, type Backend, type BackendErrorCode } from '../addin/backend';
import { messageOf } from '../core/errors';
import type { VerdictTrust } from '../core/signed/statement';

/**
 * The failures a connection test can meet: Thunderbird's client sends a fixed API token, never one asked of a
 * token source (whose failure is BACKEND_NOT_SIGNED_IN), and the test accepts no key (KEY_CHANGED_AGAIN).
 */
type TestFailure = Exclude<BackendErrorCode, 'BACKEND_NOT_SIGNED_IN' | 'KEY_CHANGED_AGAIN'>;

const ADVICE: Record<TestFailure, string> = {
  BACKEND_TIMEOUT: 'Check the address, or try again: the service may be busy.',
  BACKEND_UNREACHABLE:
    'Check the address and that this computer can reach it (a company network or VPN may be needed).',
  BACKEND_UNAUTHORIZED: 'Check the API token, or ask your administrator for a new one.',
  BACKEND_REFUSED: 'Ask your administrator: the service refused the request.',
  BACKEND_BAD_ANSWER: 'Check the address: it does not seem to be a Sendguard service.',
};
/** Looked up by any code: one the test cannot meet has no advice. */
const adviceFor: Partial<Record<BackendErrorCode, string>> = ADVICE;

/** `verdictKey`: what the service signs verdicts with, when it does, for the options page to pin. */
export async function testConnection(
  backend: Backend,
): Promise<{ ok: boolean; text: string; verdictKey?: VerdictTrust }> {
  try {
    const { version, policy, verdictKey } = await backend.policy();
    return {
      ...(verdictKey ? { verdictKey } : {}),
      ok: true,
      text: `Connected to ${policy.organisation}’s Sendguard service (policy version ${version}). Every message you send is checked.`,
    };
  } catch (error) {
    if (error instanceof BackendError) {
      const advice = adviceFor[error.code];
      return { ok: false, text: advice ? `${error.message} ${advice}` : error.message };
    }
    return { ok: false, text: `The test failed: ${messageOf(error)}` };
  }
}
