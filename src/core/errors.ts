/**
 * The base of every error Sendguard throws on purpose. `code` is stable (`STS_POLICY_TOO_LARGE`): callers branch
 * on it, and only `server/api` maps it to an HTTP status.
 */
export class SendguardError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** What to tell a person about any thrown value: an Error's message, anything else as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
