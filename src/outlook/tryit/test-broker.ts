/**
 * The simulated Outlook's token broker: it asks a test OpenID Connect provider standing in for Entra
 * (test/helpers/entra-provider.ts) for a user's delegated token with the provider's broker grant, which names
 * the signed-in user instead of a browser sign-in. Both simulated ways of signing in (nested app authentication,
 * Office SSO) get their tokens here.
 */

/** An account the simulated Outlook has signed in. */
export interface SimAccount {
  oid: string;
  username: string;
  name: string;
}

/** Where the broker asks, and how: `fields` adds `lifetime` (seconds; negative: expired) or `resource`. */
export interface SimBroker {
  tokenUrl: string;
  fields?: Record<string, string>;
}

export type BrokerFailureKind = 'network' | 'refused';

export class BrokerFailure extends Error {
  constructor(
    readonly kind: BrokerFailureKind,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface BrokerToken {
  accessToken: string;
  expiresIn: number;
  scope: string;
}

/** A delegated token for `who`, issued to `clientId`, for `scope` (space-separated, as MSAL asks). */
export async function brokerToken(
  broker: SimBroker,
  who: SimAccount,
  clientId: string,
  scope: string,
): Promise<BrokerToken> {
  const form = new URLSearchParams({
    grant_type: 'urn:sendguard:test:broker',
    client_id: clientId,
    scope,
    oid: who.oid,
    preferred_username: who.username,
    name: who.name,
    ...broker.fields,
  });
  let response: Response;
  try {
    response = await fetch(broker.tokenUrl, { method: 'POST', body: form });
  } catch (error) {
    throw new BrokerFailure('network', String(error));
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== 'string')
    throw new BrokerFailure('refused', String(body.error_description), String(body.error));
  return {
    accessToken: body.access_token,
    expiresIn: Number(body.expires_in),
    scope: typeof body.scope === 'string' ? body.scope : scope,
  };
}
