/**
 * Who the service takes the caller to be, as `GET /api/v1/me` answers: the pane names the sender with it and
 * `sendguard whoami` prints it. One shape and one reader for both; read by hand (no zod), like every answer the
 * add-in reads.
 */
import { Place } from './evaluate/fields';

export const CALLER_KINDS = ['entra', 'token', 'dev'] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];

export const ROLES = ['sender', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Identity {
  kind: CallerKind;
  /** Entra: the user's object ID; API token: `token:<id>`; development mode: `dev`. */
  subject: string;
  /** The person's display name: Entra's `name`; an API token's owner (else the token's name); dev mode's label. */
  name?: string;
  /**
   * The person's mailbox, in `mailboxKey` form: Entra's user principal name (`preferred_username`, else `upn`)
   * when it is an address, none for a guest (`acct: 1`); an API token owner's address. Absent when nothing names
   * one: secure pickup then names the sender without an address and sends them no notices by mail.
   */
  address?: string;
  /** Entra: the tenant ID. */
  tenant?: string;
  roles: Role[];
}

/** A GUID, a name or a mailbox is far shorter; the cap only bounds a hostile answer. */
const VALUE_MAX = 320;

/** Throws AnswerError naming what is wrong. */
export function readIdentity(body: unknown): Identity {
  const at = new Place('who you are: ');
  const me = at.object(body, 'the answer');
  const name = at.optionalString(me.name, 'name', VALUE_MAX);
  const address = at.optionalString(me.address, 'address', VALUE_MAX);
  const tenant = at.optionalString(me.tenant, 'tenant', VALUE_MAX);
  return {
    kind: at.word(me.kind, CALLER_KINDS, 'kind'),
    subject: at.string(me.subject, 'subject', 1, VALUE_MAX),
    ...(name ? { name } : {}),
    ...(address ? { address } : {}),
    ...(tenant ? { tenant } : {}),
    roles: at.list(me.roles, 'roles', ROLES.length).map((role) => at.word(role, ROLES, 'roles')),
  };
}
