/**
 * Office single sign-on as the simulated Outlook offers it (`Office.auth.getAccessToken`): a token for the
 * add-in's API issued to Office's own client application, as Entra issues SSO tokens (`azp` is Office, which the
 * service must accept), for the scopes the deployment's manifest names in WebApplicationInfo — read here from the
 * service's GET /api/v1/sign-in, which is rendered from the same settings. Failures carry Office's SSO error codes,
 * and, as Office does, a call made while another is still running is refused with 13008.
 */
import { brokerToken, type SimAccount, type SimBroker } from './test-broker';

/** Outlook on the web's client ID: the `azp` of the SSO tokens it gets for add-ins. */
export const OUTLOOK_WEB_CLIENT = 'bc59ab01-8403-45c6-8796-ac3ef710b3e3';

export interface SimSsoOptions {
  broker: SimBroker;
  /** Who is signed in to Outlook; absent: nobody (13001 unless a prompt is allowed). */
  account?: SimAccount;
  /** Who signs in at a sign-in prompt; absent: the sender closes it (13002). */
  signsIn?: SimAccount;
  /** The API's scopes, as the manifest names them. */
  scopes: () => Promise<string[]>;
}

/** An error shaped as Office.js rejects `getAccessToken` with. */
function officeError(code: number, message: string): Error & { code: number } {
  return Object.assign(new Error(message), { code });
}

export function simulatedOfficeSso(options: SimSsoOptions) {
  let account = options.account;
  /** Each call, with whether it allowed a prompt: what the tests check (the send handler never does). */
  const asked: Array<'silent' | 'prompt' | 'overlapping'> = [];
  let running = false;
  const issue = async (prompt: boolean): Promise<string> => {
    if (!account) {
      if (!prompt) throw officeError(13001, 'The user is not signed in to Office.');
      if (!options.signsIn) throw officeError(13002, 'The user closed the sign-in.');
      account = options.signsIn;
    }
    try {
      const scopes = await options.scopes();
      return (await brokerToken(options.broker, account, OUTLOOK_WEB_CLIENT, scopes.join(' '))).accessToken;
    } catch (error) {
      throw officeError(13007, `Office could not get a token for the add-in: ${String(error)}`);
    }
  };
  return {
    asked,
    getAccessToken: async (request: { allowSignInPrompt?: boolean; allowConsentPrompt?: boolean } = {}) => {
      if (running) {
        asked.push('overlapping');
        throw officeError(13008, 'The user triggered an operation before a previous operation completed.');
      }
      const prompt = request.allowSignInPrompt === true;
      asked.push(prompt || request.allowConsentPrompt ? 'prompt' : 'silent');
      running = true;
      try {
        return await issue(prompt);
      } finally {
        running = false;
      }
    },
  };
}
