/** Who is calling, once authentication has run; every route handler decides on this and nothing else. */
import { SendguardError } from '../../core/errors';

export type Role = 'sender' | 'admin';

export interface Caller {
  kind: 'entra' | 'token' | 'dev';
  /** Entra: the user's object ID (`oid`); API token: `token:<id>`; dev mode: `dev`. */
  subject: string;
  /** The person's display name: Entra's `name`; an API token's owner (else the token's name); dev mode's label. */
  name?: string;
  /**
   * The person's mailbox, in `mailboxKey` form: Entra's user principal name (`preferred_username`, else `upn`)
   * when it is an address, none for a guest (`acct: 1`); an API token owner's address. Absent when nothing names one: secure pickup then names the sender
   * without an address and sends them no notices by mail.
   */
  address?: string;
  /** Entra: the tenant ID. */
  tenant?: string;
  roles: Role[];
}

/**
 * Codes the API maps to statuses. Messages stay generic on purpose: "expired" or "wrong audience" would tell an
 * attacker which part of a forged token to fix; the reason goes to the log instead.
 */
export class AuthError extends SendguardError {
  constructor(
    code: 'AUTH_REQUIRED' | 'AUTH_INVALID' | 'FORBIDDEN',
    /** For the log only. */
    readonly reason: string,
  ) {
    super(code, AUTH_MESSAGES[code]);
  }
}

const AUTH_MESSAGES = {
  AUTH_REQUIRED: 'a bearer token is required',
  AUTH_INVALID: 'the bearer token is not valid',
  FORBIDDEN: 'this needs the admin role',
} as const;
