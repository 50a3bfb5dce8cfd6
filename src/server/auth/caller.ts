/** Who is calling, once authentication has run; every route handler decides on this and nothing else. */
import { SendguardError } from '../../core/errors';
import type { Identity } from '../../core/identity';

/** The caller's identity is the shape `GET /api/v1/me` answers with (core/identity.ts documents each field). */
export type Caller = Identity;
export type { Role } from '../../core/identity';

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
