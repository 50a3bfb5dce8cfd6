/**
 * The two places Thunderbird looks for a domain's own autoconfig file, fetched over HTTPS only (a file fetched in
 * the clear could be swapped on the way): the `autoconfig.` host and the domain's `.well-known` path. Addresses
 * vetted, no redirect followed, body capped, one deadline (net/https-get.ts). Every failure is a state, never a throw.
 */
import { messageOf } from '../../core/errors';
import { httpsGet, HttpsGetError, type HttpsGet, type HttpsNetwork } from '../net/https-get';
import { AutoconfigError, MAX_AUTOCONFIG_BYTES, parseAutoconfig } from './autoconfig-parse';
import type { Endpoint } from './endpoints';
import type { AutoconfigReport } from './report';

export function autoconfigUrls(domain: string): string[] {
  return [
    `https://autoconfig.${domain}/mail/config-v1.1.xml`,
    `https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml`,
  ];
}

export interface AutoconfigFetchOptions extends HttpsNetwork {
  timeoutMs: number;
  signal?: AbortSignal;
  get?: HttpsGet;
}

export interface AutoconfigResult {
  report: AutoconfigReport;
  endpoints: Endpoint[];
}

export async function fetchAutoconfig(
  url: string,
  domain: string,
  options: AutoconfigFetchOptions,
): Promise<AutoconfigResult> {
  const { get = httpsGet, timeoutMs, signal, ...network } = options;
  let body: Buffer;
  try {
    const response = await get(url, {
      ...network,
      maxBytes: MAX_AUTOCONFIG_BYTES,
      timeoutMs,
      ...(signal ? { signal } : {}),
      accept: 'application/xml, text/xml',
    });
    if (response.status === 404 || response.status === 410) return none(url);
    if (response.status !== 200) {
      const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
      return failed(url, `${url} answered HTTP ${response.status}${redirect}`);
    }
    body = response.body;
  } catch (error) {
    if (signal?.aborted) throw error;
    // A host that does not exist has no file: that is the common case, not a failure.
    if (error instanceof HttpsGetError && error.code === 'HTTP_NAME_NOT_FOUND') return none(url);
    return failed(url, `fetching ${url} failed: ${messageOf(error)}`);
  }
  try {
    const { endpoints, skipped } = parseAutoconfig(body.toString('utf8'), domain, url);
    const unused =
      skipped > 0
        ? `; ${skipped} entries not used (another type, or no usable host, port or socket type)`
        : '';
    return {
      report: {
        url,
        state: 'found',
        ...(unused ? { reason: `${url}: ${endpoints.length} servers${unused}` } : {}),
      },
      endpoints,
    };
  } catch (error) {
    if (!(error instanceof AutoconfigError)) throw error;
    return failed(url, `${url} is not a usable autoconfig file: ${error.message}`);
  }
}

function none(url: string): AutoconfigResult {
  return { report: { url, state: 'none' }, endpoints: [] };
}

function failed(url: string, reason: string): AutoconfigResult {
  return { report: { url, state: 'failed', reason }, endpoints: [] };
}
