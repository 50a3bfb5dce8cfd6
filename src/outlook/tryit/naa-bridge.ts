/**
 * The host side of nested app authentication, as Outlook offers it to MSAL.js: `window.nestedAppAuthBridge`,
 * which takes JSON request envelopes by `postMessage` (`GetInitContext`, `GetToken`, `GetTokenPopup`) and answers
 * each, by `requestId`, to its `message` listeners (msal-browser's naa/BridgeProxy.ts and its envelope types).
 * Tokens come from the simulated token broker (test-broker.ts). Its grant gives no ID token, so the host writes
 * the account's ID token itself, unsigned: MSAL reads the claims of an ID token its host hands over and never
 * verifies it. Requests that are not NAA request envelopes (`messageType`) are not the bridge's and get no
 * answer, as from a real host.
 */
import { toBase64Url, utf8 } from '../../core/escrow/bytes';
import { BrokerFailure, brokerToken, type SimAccount, type SimBroker } from './test-broker';

/**
 * What goes wrong in the host, as a real one answers it: `interaction` — a silent request needs the sender
 * (consent missing: Entra's AADSTS65001) until they sign in at the host's prompt; `network` — the host has no
 * network, so no token request goes anywhere.
 */
export type NaaFault = 'interaction' | 'network';

/** The fault a query parameter names, or none. */
export function naaFaultOf(value: string | null): NaaFault | undefined {
  return value === 'interaction' || value === 'network' ? value : undefined;
}

export interface SimNaaOptions {
  /** The broker; its token URL is the provider's `<issuer>/token`, the issuer being `…/<tenantId>/v2.0`. */
  broker: SimBroker;
  /** Who is signed in to Outlook; absent: nobody, so a silent request finds no account. */
  account?: SimAccount;
  /** Who signs in when MSAL asks for the host's prompt (`GetTokenPopup`); absent: the sender closes it. */
  signsIn?: SimAccount;
  fault?: NaaFault;
}

type Listener = (response: string) => void;

interface TokenParams {
  clientId: string;
  scope: string;
}

interface RequestEnvelope {
  messageType: string;
  method: 'GetInitContext' | 'GetToken' | 'GetTokenPopup';
  requestId: string;
  tokenParams?: TokenParams;
}

/** msal-browser's BridgeStatusCode values this host answers with. */
type BridgeStatus =
  'ACCOUNT_UNAVAILABLE' | 'USER_CANCEL' | 'USER_INTERACTION_REQUIRED' | 'PERSISTENT_ERROR' | 'NO_NETWORK';

class BridgeFailure extends Error {
  constructor(
    readonly status: BridgeStatus,
    readonly code?: string,
    description?: string,
    readonly subError?: string,
  ) {
    super(description ?? status);
  }
}

/** What a host answers a silent request when Entra wants the sender (msal-browser's BridgeError fields). */
const CONSENT_REQUIRED = () =>
  new BridgeFailure(
    'USER_INTERACTION_REQUIRED',
    'invalid_grant',
    'AADSTS65001: The user or administrator has not consented to use the application.',
    'consent_required',
  );

const base64Url = (text: string) => toBase64Url(utf8(text));

/** The issuer and tenant the token URL belongs to. */
function issuerOf(tokenUrl: string): { issuer: string; tenantId: string; environment: string } {
  const url = new URL(tokenUrl);
  const issuer = `${url.origin}${url.pathname.replace(/\/token$/, '')}`;
  const tenantId = url.pathname.split('/').filter(Boolean)[0] ?? '';
  return { issuer, tenantId, environment: url.host };
}

export function simulatedNaaBridge(options: SimNaaOptions) {
  const listeners = new Set<Listener>();
  /** The methods asked, in order: what the tests check (the send handler never asks for the prompt). */
  const asked: string[] = [];
  const { issuer, tenantId, environment } = issuerOf(options.broker.tokenUrl);
  let account = options.account;
  /** Consent is missing until the sender signs in at the host's prompt. */
  let interactionRequired = options.fault === 'interaction';

  const accountInfo = (who: SimAccount) => ({
    homeAccountId: `${who.oid}.${tenantId}`,
    environment,
    tenantId,
    username: who.username,
    localAccountId: who.oid,
    name: who.name,
  });

  function idToken(who: SimAccount, clientId: string): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      ver: '2.0',
      iss: issuer,
      aud: clientId,
      sub: who.oid,
      oid: who.oid,
      tid: tenantId,
      preferred_username: who.username,
      name: who.name,
      iat: now,
      nbf: now,
      exp: now + 3600,
    };
    return `${base64Url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64Url(JSON.stringify(claims))}.`;
  }

  async function issue(who: SimAccount, params: TokenParams) {
    if (options.fault === 'network') throw new BridgeFailure('NO_NETWORK');
    try {
      const issued = await brokerToken(options.broker, who, params.clientId, params.scope);
      return {
        token: {
          access_token: issued.accessToken,
          expires_in: issued.expiresIn,
          id_token: idToken(who, params.clientId),
          properties: null,
          scope: issued.scope,
        },
        account: accountInfo(who),
      };
    } catch (error) {
      if (!(error instanceof BrokerFailure)) throw error;
      throw new BridgeFailure(
        error.kind === 'network' ? 'NO_NETWORK' : 'PERSISTENT_ERROR',
        error.code,
        error.message,
      );
    }
  }

  async function answer(request: RequestEnvelope): Promise<Record<string, unknown>> {
    switch (request.method) {
      case 'GetInitContext':
        return {
          initContext: {
            sdkName: 'Sendguard try-it host',
            sdkVersion: '1.0',
            capabilities: { queryAccount: false },
            ...(account ? { accountContext: accountInfo(account) } : {}),
          },
        };
      case 'GetToken':
        if (!account) throw new BridgeFailure('ACCOUNT_UNAVAILABLE');
        if (interactionRequired) throw CONSENT_REQUIRED();
        return issue(account, request.tokenParams!);
      case 'GetTokenPopup': {
        if (!options.signsIn) throw new BridgeFailure('USER_CANCEL');
        account = options.signsIn;
        const issued = await issue(account, request.tokenParams!);
        interactionRequired = false;
        return issued;
      }
    }
  }

  function respond(request: RequestEnvelope, body: Record<string, unknown>): void {
    const envelope = { messageType: 'NestedAppAuthResponse', requestId: request.requestId, ...body };
    for (const listener of listeners) listener(JSON.stringify(envelope));
  }

  return {
    asked,
    addEventListener: (_name: string, listener: Listener) => listeners.add(listener),
    removeEventListener: (_name: string, listener: Listener) => listeners.delete(listener),
    postMessage: (message: string) => {
      const request = JSON.parse(message) as RequestEnvelope;
      if (request.messageType !== 'NestedAppAuthRequest') return;
      asked.push(request.method);
      answer(request).then(
        (body) => respond(request, { success: true, ...body }),
        (error: unknown) => {
          const failure =
            error instanceof BridgeFailure
              ? error
              : new BridgeFailure('PERSISTENT_ERROR', undefined, String(error));
          const { status, code, subError, message: description } = failure;
          const answered = {
            status,
            ...(code ? { code } : {}),
            ...(subError ? { subError } : {}),
            description,
          };
          respond(request, { success: false, error: answered });
        },
      );
    },
  };
}
