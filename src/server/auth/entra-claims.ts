/**
 * Who a verified Entra access token speaks for, or why it speaks for no one. The signature, issuer, audience and
 * lifetime are jose's job (entra.ts); this judges the claims that say *what kind* of token it is:
 *
 * - `tid` is this tenant, whatever the issuer says;
 * - it is delegated — a user signed in and the client acts for them — with the configured scope in `scp`. An
 *   application-only token (client credentials: `idtyp: "app"`, no `scp`, only `roles`) is a service acting on
 *   its own, and secure pickup would have no sender to name;
 * - it is a v2.0 token, as the app registration is told to issue (docs/outlook.md): v1.0 tokens have another
 *   issuer and name their client in `appid`, and accepting both shapes would double what can go wrong;
 * - it was issued to one of the accepted client applications (`azp`). A token another application obtained for
 *   this API (a user consented to it) must not let that application act here;
 * - it names the user by `oid`, the object ID stable across applications (`sub` is pairwise per application).
 */
import { mailboxKey } from '../../core/addresses';
import type { ResolvedEntra } from '../config/entra';
import type { Caller, Role } from './caller';
import { displayNameOf } from './display-name';

type Claims = Record<string, unknown>;
type Verdict = { caller: Caller } | { reason: string };

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** Space-separated in `scp` (RFC 8693 §4.2 style); split without a regular expression on the caller's text. */
function scopesOf(claims: Claims): string[] {
  const scp = text(claims.scp);
  return scp === undefined ? [] : scp.split(' ').filter((scope) => scope !== '');
}

/** The reason the token is not a user's delegated token for the scope, or undefined when it is. */
function notDelegated(claims: Claims, scope: string): string | undefined {
  if (claims.idtyp === 'app') return 'application-only token (idtyp: app)';
  if (claims.scp === undefined) return 'application-only token (no scp)';
  if (!scopesOf(claims).includes(scope)) return `token lacks the scope ${scope}`;
  return undefined;
}

/**
 * Why a token of another version than 2.0 is refused. It needs no signature to refuse, so the verifier asks this
 * before jose, whose issuer check would otherwise refuse a v1.0 token first, without naming the setting to fix.
 */
export function versionRefusal(claims: Claims): string | undefined {
  return claims.ver === '1.0' ? 'v1.0 token: set accessTokenAcceptedVersion to 2' : undefined;
}

/** Entra's `acct` claim for a guest: an account from another directory, with no mailbox in this tenant. */
const GUEST_ACCOUNT = 1;

/**
 * The sender's mailbox: the user principal name (`preferred_username`, else the optional `upn`) when it is an
 * address — in a tenant whose sign-in names are mailbox addresses, the user's mailbox. Never `email`, which Entra
 * does not verify for every account, and nothing for a guest, whose names come from their own directory.
 */
function addressOf(claims: Claims): string | undefined {
  if (claims.acct === GUEST_ACCOUNT) return undefined;
  const named = text(claims.preferred_username) ?? text(claims.upn);
  return named === undefined ? undefined : mailboxKey(named);
}

export function entraCaller(claims: Claims, config: ResolvedEntra): Verdict {
  if (claims.tid !== config.tenantId) return { reason: 'token from another tenant' };
  const refusal = notDelegated(claims, config.scope);
  if (refusal) return { reason: refusal };
  const client = text(claims.azp);
  if (client === undefined) return { reason: 'token names no client application (azp)' };
  if (!config.clientApplications.includes(client))
    return { reason: `token issued to client application ${client}, which is not accepted` };
  const subject = text(claims.oid);
  if (subject === undefined) return { reason: 'token names no user object ID (oid)' };
  const appRoles = Array.isArray(claims.roles) ? claims.roles : [];
  const roles: Role[] = appRoles.includes(config.adminRole) ? ['sender', 'admin'] : ['sender'];
  // A name that could pass for an address or hide characters is left out rather than shown to recipients.
  const name = displayNameOf(claims.name);
  const address = addressOf(claims);
  return {
    caller: {
      kind: 'entra',
      subject,
      tenant: config.tenantId,
      roles,
      ...(name !== undefined ? { name } : {}),
      ...(address !== undefined ? { address } : {}),
    },
  };
}
