/**
 * The one record of a failure the add-ins handled by refusing or by telling the sender: its stable code, its
 * message and each cause behind it with the host's own code and words (Office's SSO error number, MSAL's error
 * code), on the console of the runtime it happened in (where an administrator or support person looks with the
 * host's developer tools). The sender is told separately, in plain words, by the caller.
 * Written without dependencies beyond core: the send handler bundles this file for a JavaScript-only runtime.
 */
import { messageOf, SendguardError } from '../core/errors';

/** Code of a failure that is not one of ours: a bug or a host API that threw something unexpected. */
export const UNEXPECTED = 'UNEXPECTED';

/** Causes followed at most this deep: a cycle or a long chain must not hang the log. */
const MAX_CAUSES = 5;

function codeOf(error: unknown): string {
  return error instanceof SendguardError ? error.code : UNEXPECTED;
}

/** A cause's own code (Office: a number, MSAL: `errorCode`, ours: `code`) and words, as the host gave them. */
function causeText(cause: unknown): string {
  // Office.js rejects with plain objects ({ code, message, name }) as well as Errors.
  const { code, errorCode, message } = (cause ?? {}) as {
    code?: unknown;
    errorCode?: unknown;
    message?: unknown;
  };
  const own = [code, errorCode].find((c) => typeof c === 'string' || typeof c === 'number');
  const words = typeof message === 'string' ? message : messageOf(cause);
  return `${own === undefined ? '' : `[${String(own)}] `}${words}`;
}

function causesOf(error: unknown): unknown[] {
  const causes: unknown[] = [];
  let cause = error instanceof Error ? error.cause : undefined;
  while (cause !== undefined && causes.length < MAX_CAUSES && !causes.includes(cause)) {
    causes.push(cause);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return causes;
}

/** `during` says what was being done ("the send check", "showing the refusal"). */
export function recordFailure(during: string, error: unknown): void {
  const causes = causesOf(error);
  console.warn(
    `Sendguard: ${during} failed [${codeOf(error)}]: ${messageOf(error)}${causes.map((c) => ` ← ${causeText(c)}`).join('')}`,
    ...(causes.length > 0 ? [causes[causes.length - 1]] : []),
  );
}
