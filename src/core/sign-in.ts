/**
 * How the add-in signs in to this service, as `GET /api/v1/sign-in` tells it: the one place the pane, the send
 * handler and the service agree on the answer's shape. Read by hand (no zod): the ES2016 send handler bundles this.
 */
import { Place } from './evaluate/fields';

/** What the add-in needs to sign in to this service: GET /api/v1/sign-in (public). */
export interface SignInSettings {
  /** null when the service has no Entra sign-in (API tokens only, or development mode). */
  entra: null | {
    /** The add-in's app registration: the MSAL client ID. */
    clientId: string;
    /** The MSAL authority: `https://login.microsoftonline.com/<tenantId>` for Entra, i.e. the issuer without a trailing `/v2.0`. */
    authority: string;
    /** The scopes to request, e.g. [`api://sendguard.example.org/<clientId>/access_as_user`] (= `${resource}/${scope}`). */
    scopes: string[];
  };
}

/** Generous caps: a GUID, a URL and a handful of scopes are far shorter; the caps only bound a hostile answer. */
const VALUE_MAX = 2048;
const SCOPES_MAX = 16;

/** Checks an answer's shape by hand (no zod: the ES2016 send handler bundles this); throws AnswerError (core/evaluate/fields.ts) naming what is wrong. */
export function readSignInSettings(body: unknown): SignInSettings {
  const at = new Place('the sign-in settings: ');
  const answer = at.object(body, 'the answer');
  if (answer.entra === null) return { entra: null };
  const entra = at.object(answer.entra, 'entra');
  const scopes = at.list(entra.scopes, 'entra.scopes', SCOPES_MAX);
  if (scopes.length === 0) at.fail('entra.scopes is empty');
  return {
    entra: {
      clientId: at.string(entra.clientId, 'entra.clientId', 1, VALUE_MAX),
      authority: at.string(entra.authority, 'entra.authority', 1, VALUE_MAX),
      scopes: scopes.map((scope) => at.string(scope, 'entra.scopes', 1, VALUE_MAX)),
    },
  };
}
