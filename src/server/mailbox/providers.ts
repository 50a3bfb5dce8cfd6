/**
 * Hosted mail providers recognised from a domain's MX host names (providers.json): for these, the verdict rests
 * on the provider's own documentation of how its users reach their mail, named in `source`, and nothing is probed.
 */
import type { MailboxAccessVerdict } from '../../core/vocabulary';
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

function suffixMatches(host: string, suffix: string): boolean {
  return host === suffix || host.endsWith(`.${suffix}`);
}

/**
 * The provider whose MX suffix matches one of `mxHosts` (lower-case, no trailing dot), and the MX host it matched.
 * The longest matching suffix wins, so AOL's MX under yahoodns.net is AOL and not Yahoo.
 */
export function recogniseProvider(
  mxHosts: readonly string[],
): { provider: Provider; mx: string } | undefined {
  let best: { provider: Provider; mx: string; length: number } | undefined;
  for (const mx of mxHosts) {
    for (const provider of PROVIDERS) {
      for (const suffix of provider.mxSuffixes) {
        if (suffixMatches(mx, suffix) && suffix.length > (best?.length ?? 0)) {
          best = { provider, mx, length: suffix.length };
        }
      }
    }
  }
  return best && { provider: best.provider, mx: best.mx };
}
