/**
 * Hosted mail providers recognised from a domain's MX host names (providers.json): for these, the verdict rests
 * on the provider's own documentation of how its users reach their mail, named in `source`, and nothing is probed.
 */
import type { MailboxAccessVerdict } from '../../core/vocabulary';
import { isAtOrUnder } from '../dns/names';
import providersFile from './providers.json';

export interface Provider {
  name: string;
  /** An MX host matches a suffix when it equals it or ends with "." and it. */
  mxSuffixes: string[];
  verdict: MailboxAccessVerdict;
  /** What the verdict rests on, as a sentence a sender can read after "recognised as … from its MX …: ". */
  basis: string;
  /** The provider's own documentation of its endpoints (https). */
  source: string;
  endpoints: Array<{
    protocol: 'imap' | 'pop3' | 'submission';
    host: string;
    port: number;
    security: 'implicit' | 'starttls' | 'plain';
  }>;
}

/**
 * The shipped file as its type says; test/server/mailbox/providers.test.ts checks every entry against the schema
 * and the suffixes for duplicates. Not checked here: `sendguard check` loads this, and its start must not pay for
 * a schema library to re-check data that ships with it.
 */
const PROVIDERS = providersFile.providers as Provider[];

/**
 * The provider one MX host (lower-case, no trailing dot) belongs to. The longest matching suffix wins, so AOL's MX
 * under yahoodns.net is AOL and not Yahoo.
 */
function providerOf(host: string): Provider | undefined {
  let best: { provider: Provider; length: number } | undefined;
  for (const provider of PROVIDERS) {
    for (const suffix of provider.mxSuffixes) {
      if (isAtOrUnder(host, suffix) && suffix.length > (best?.length ?? 0))
        best = { provider, length: suffix.length };
    }
  }
  return best?.provider;
}

export interface MxHost {
  preference: number;
  host: string;
}

/**
 * The provider that receives the domain's mail, and the MX host it was recognised by: only when every MX of the
 * most preferred level belongs to it (RFC 5321 §5.1: senders use those first). A provider's host further down is a
 * backup or a relay, not where the domain's users keep their mail, so it says nothing about how they reach it.
 */
export function recogniseProvider(mx: readonly MxHost[]): { provider: Provider; mx: string } | undefined {
  const top = Math.min(...mx.map((host) => host.preference));
  const preferred = mx.filter((host) => host.preference === top).map((host) => host.host);
  const providers = preferred.map(providerOf);
  const [provider] = providers;
  const [first] = preferred;
  if (!provider || first === undefined || providers.some((other) => other !== provider)) return undefined;
  return { provider, mx: first };
}
