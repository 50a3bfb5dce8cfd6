/**
 * The one record of a failure the add-ins handled by refusing or by telling the sender: its stable code, its
 * message and its cause, on the console of the runtime it happened in (where an administrator or support person
 * looks with the host's developer tools). The sender is told separately, in plain words, by the caller.
 * Written without dependencies beyond core: the send handler bundles this file for a JavaScript-only runtime.
 */
import { messageOf, SendguardError } from '../core/errors';

/** Code of a failure that is not one of ours: a bug or a host API that threw something unexpected. */
export const UNEXPECTED = 'UNEXPECTED';

function codeOf(error: unknown): string {
  return error instanceof SendguardError ? error.code : UNEXPECTED;
}

/** `during` says what was being done ("the send check", "showing the refusal"). */
export function recordFailure(during: string, error: unknown): void {
  const cause = error instanceof Error ? error.cause : undefined;
  console.warn(
    `Sendguard: ${during} failed [${codeOf(error)}]: ${messageOf(error)}`,
    ...(cause ? [cause] : []),
  );
}
