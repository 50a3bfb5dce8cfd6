/**
 * The Outlook add-in's sign-in and backend client as its pages and runtimes use them: the token chain over this
 * deployment's GET /api/v1/sign-in (kept-sign-in-settings.ts), a backend client that asks the chain for a token before each request, and
 * who the service takes the sender to be.
 */
import {
  createBackend,
  fetchIdentity,
  type Backend,
  type BackendConnection,
  type Identity,
} from '../../addin/backend';
import { pageAnswerStore, pageStorage } from '../../addin/answer-store';
import type { ListDirectory } from '../../addin/lists/directory';
import { graphListDirectory } from '../graph/graph-lists';
import { graphToken } from '../graph/graph-token';
import { askedSignInSettings, type SignInSettingsSource } from './kept-sign-in-settings';
import type { NestedAppAuth } from './naa';
import { signInChain, type DialogSignIn, type OfficeForSignIn, type SignIn } from './token-chain';

export interface OutlookSignIn extends SignIn {
  backend: Backend;
  /** Who is on a distribution list, read from Microsoft Graph with the sender's token (src/outlook/graph). */
  lists: ListDirectory;
  /** Who the service takes the sender to be. */
  whoAmI: () => Promise<Identity>;
}

/**
 * `source`: where the sign-in settings come from (the pane: keptSignInSettings), GET /api/v1/sign-in asked each
 * time by default.
 */
export function outlookSignIn(
  office: OfficeForSignIn,
  config: BackendConnection,
  naa: NestedAppAuth | undefined,
  dialog?: DialogSignIn,
  source: SignInSettingsSource = askedSignInSettings(config),
): OutlookSignIn {
  const signIn = signInChain({
    office,
    settings: () => source.settings(),
    ...(naa ? { naa } : {}),
    ...(dialog ? { dialog } : {}),
    ...(config.token ? { apiToken: config.token } : {}),
  });
  /**
   * The source's confirmation, for the settings generation current when it was asked: a change in between means the
   * tokens had meanwhile went by other settings (the chain hands out none from an older generation).
   */
  const confirmedUnchanged = async (confirmed: Promise<boolean>) => {
    const asked = signIn.settingsGeneration();
    return (await confirmed) && signIn.settingsGeneration() === asked;
  };
  const connection = {
    baseUrl: config.backendUrl,
    tokenSource: signIn.token,
    onRefused: signIn.refused,
    // Kept across openings of the pane and sends, confirmed by the service each time (ETag, 304).
    policyStore: pageAnswerStore(pageStorage(), 'policy', config.backendUrl),
    ...(source.confirmed ? { signInConfirmed: () => confirmedUnchanged(source.confirmed!()) } : {}),
  };
  source.whenChanged?.(() => signIn.settingsChanged());
  const lists = graphListDirectory({ token: graphToken({ office, settings: () => source.settings(), naa }) });
  return { ...signIn, backend: createBackend(connection), lists, whoAmI: () => fetchIdentity(connection) };
}
