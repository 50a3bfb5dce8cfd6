/**
 * The backend as the add-on's fetch sees it, for unit tests: `GET /api/v1/policy` and `POST /api/v1/assess` with
 * the wire shapes of src/addin/backend.ts, transport verdicts per domain and keys per address; or no backend.
 */
import type { Policy } from '../../src/core/policy/schema';
import { defaultPolicy } from '../helpers/policy';

export interface FakeBackendOptions {
  transport?: Record<string, string>;
  /** Mailbox access per domain (verdict and reasons), beside the transport; none where absent. */
  mailboxAccess?: Record<string, { verdict: string; reasons: string[] }>;
  /** Armored public keys by address: those addresses have a `valid` key. */
  keys?: Record<string, string>;
  policy?: Policy;
  down?: boolean;
}

export function fakeBackendFetch(
  options: FakeBackendOptions,
): typeof fetch & { calls: string[]; assessBodies: Record<string, unknown>[] } {
  const calls: string[] = [];
  /** Every `/assess` request's body, as sent. */
  const assessBodies: Record<string, unknown>[] = [];
  const impl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    calls.push(url);
    if (options.down) throw new TypeError('NetworkError when attempting to fetch resource.');
    if (url.endsWith('/api/v1/policy'))
      return Response.json({ version: 'v1', policy: options.policy ?? defaultPolicy() });
    const body = JSON.parse(String(init?.body)) as { recipients: string[] };
    if (url.endsWith('/api/v1/assess')) assessBodies.push(body);
    const { recipients } = body;
    return Response.json({
      policyVersion: 'v1',
      partial: false,
      invalid: recipients
        .filter((r) => !r.includes('@'))
        .map((input) => ({ input, reason: 'is not an address' })),
      recipients: recipients
        .filter((r) => r.includes('@'))
        .map((address) => {
          const domain = address.split('@')[1]!.toLowerCase();
          const armoredKey = options.keys?.[address];
          return {
            input: address,
            address,
            domain,
            internal: false,
            transport: {
              domain,
              verdict: options.transport?.[domain] ?? 'none',
              reasons: [],
              ...(options.mailboxAccess?.[domain] && { mailboxAccess: options.mailboxAccess[domain] }),
            },
            key: armoredKey
              ? {
                  address,
                  verdict: 'valid',
                  source: 'org',
                  fingerprint: 'F'.repeat(40),
                  reasons: [],
                  armoredKey,
                }
              : { address, verdict: 'none', reasons: [] },
          };
        }),
    });
  };
  return Object.assign(impl as typeof fetch, { calls, assessBodies });
}
