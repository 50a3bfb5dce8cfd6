/**
 * Hosted mail providers recognised from a domain's MX host names (providers.json): for these, the verdict rests
 * on the provider's own documentation of how its users reach their mail, named in `source`, and nothing is probed.
 * The file is checked once, when first read: a bad entry is a programming error, not a remote one.
 */
import { z } from 'zod';
import { MAILBOX_ACCESS_VERDICTS } from '../../core/vocabulary';
import providersFile from './providers.json';
import { isHostName } from './endpoints';

const HostName = z.string().refine(isHostName, 'a lower-case host name');

const Provider = z
  .object({
    name: z.string().min(1),
    /** An MX host matches a suffix when it equals it or ends with "." and it. */
    mxSuffixes: z.array(HostName).min(1),
    verdict: z.enum(MAILBOX_ACCESS_VERDICTS),
    /** What the verdict rests on, as a sentence a sender can read after "recognised as … from its MX …: ". */
    basis: z.string().min(1),
    /** The provider's own documentation of its endpoints. */
    source: z.url({ protocol: /^https$/ }),
    endpoints: z.array(
      z.object({
        protocol: z.enum(['imap', 'pop3', 'submission']),
        host: HostName,
        port: z.number().int().min(1).max(65535),
        security: z.enum(['implicit', 'starttls', 'plain']),
      }),
    ),
  })
  .strict();

export type Provider = z.infer<typeof Provider>;

const ProvidersFile = z.object({ providers: z.array(Provider).min(1) }).strict();

/** Throws when the file breaks its schema or two entries claim the same MX suffix. */
export function loadProviders(file: unknown = providersFile): Provider[] {
  const { providers } = ProvidersFile.parse(file);
  const seen = new Set<string>();
  for (const suffix of providers.flatMap((provider) => provider.mxSuffixes)) {
    if (seen.has(suffix)) throw new Error(`providers.json: the MX suffix ${suffix} is listed twice`);
    seen.add(suffix);
  }
  return providers;
}

let loaded: Provider[] | undefined;

function suffixMatches(host: string, suffix: string): boolean {
  return host === suffix || host.endsWith(`.${suffix}`);
}

/**
 * The provider whose MX suffix matches one of `mxHosts` (lower-case, no trailing dot), and the MX host it matched.
 * The longest matching suffix wins, so AOL's MX under yahoodns.net is AOL and not Yahoo.
 */
export function recogniseProvider(
  mxHosts: readonly string[],
  providers: readonly Provider[] = (loaded ??= loadProviders()),
): { provider: Provider; mx: string } | undefined {
  let best: { provider: Provider; mx: string; length: number } | undefined;
  for (const mx of mxHosts) {
    for (const provider of providers) {
      for (const suffix of provider.mxSuffixes) {
        if (suffixMatches(mx, suffix) && suffix.length > (best?.length ?? 0)) {
          best = { provider, mx, length: suffix.length };
        }
      }
    }
  }
  return best && { provider: best.provider, mx: best.mx };
}
