/**
 * The sender's token for reading lists in Microsoft Graph: nested app authentication with the add-in's own app
 * registration (the clientId and authority the service's GET /api/v1/sign-in gives), asking Graph's read-only
 * group scopes, which an administrator consents to once for the organisation (docs/outlook.md). Never prompts: the
 * send check cannot show a sign-in. Where this Outlook has no nested app authentication (classic Outlook's
 * JavaScript-only runtime) there is no token, and lists have unknown membership.
 */
import { ListLookupError } from '../../addin/lists/directory';
import type { SignInSettings } from '../../core/sign-in';
import type { NestedAppAuth } from '../auth/naa';
import { SignInError } from '../auth/sign-in-error';
import { offersNestedAppAuth, type OfficeForSignIn } from '../auth/token-chain';

/**
 * Read group members (GroupMember.Read.All), and the addresses of the users (User.ReadBasic.All) and outside
 * contacts (OrgContact.Read.All) among them: Graph gives a member only its id without the permission for its kind.
 */
export const GRAPH_LIST_SCOPES = [
  'https://graph.microsoft.com/GroupMember.Read.All',
  'https://graph.microsoft.com/User.ReadBasic.All',
  'https://graph.microsoft.com/OrgContact.Read.All',
];

export interface GraphTokenDeps {
  office: OfficeForSignIn;
  settings: () => Promise<SignInSettings>;
  naa: NestedAppAuth | undefined;
}

function listError(error: unknown): ListLookupError {
  if (error instanceof ListLookupError) return error;
  if (error instanceof SignInError && error.code === 'SIGN_IN_CONSENT_MISSING')
    return new ListLookupError(
      'LIST_REFUSED',
      'your administrator has not consented to Sendguard reading group members in Microsoft 365',
      { cause: error },
    );
  const why = error instanceof SignInError ? error.message : 'Outlook’s sign-in did not work';
  return new ListLookupError('LIST_UNAVAILABLE', `no Microsoft 365 sign-in for reading lists (${why})`, {
    cause: error,
  });
}

export function graphToken({ office, settings, naa }: GraphTokenDeps): () => Promise<string> {
  return async () => {
    try {
      if (!offersNestedAppAuth(office, naa))
        throw new ListLookupError(
          'LIST_UNAVAILABLE',
          'this Outlook cannot sign Sendguard in to Microsoft 365',
        );
      const { entra } = await settings();
      if (!entra)
        throw new ListLookupError(
          'LIST_UNAVAILABLE',
          'Sendguard is not set up to sign in with Microsoft 365',
        );
      return await naa.silent({ ...entra, scopes: GRAPH_LIST_SCOPES });
    } catch (error) {
      throw listError(error);
    }
  };
}
