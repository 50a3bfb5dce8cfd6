/**
 * A Verifying Key Server (keys.openpgp.org's VKS API, https://keys.openpgp.org/about/api). Such a server
 * publishes a user ID only after its owner confirmed the address by mail, and strips every other one: a key it
 * returns without a user ID for the address cannot be bound to it (openpgp.js would not encrypt to it either),
 * so it is `invalid` with that reason rather than trusted on the server's word.
 */
import { VKS_DEFAULT_BASE_URL } from '../../core/key-server';
import { getKeyDocument, type KeyDocument, type KeyHttpDeps } from './key-http';
import { failedResult, judgeDocument, type SourceResult } from './source-result';
import type { KeyRules } from './validate';

const VKS_MAX_BYTES = 256 * 1024;
const VKS_TIMEOUT_MS = 5000;

type VksQuery = { email: string } | { fingerprint: string };

/** `base` is the server's origin, e.g. https://keys.openpgp.org (a path prefix is kept). */
function vksUrl(base: string, query: VksQuery): string {
  const root = base.replace(/\/+$/, '');
  return 'email' in query
    ? `${root}/vks/v1/by-email/${encodeURIComponent(query.email)}`
    : `${root}/vks/v1/by-fingerprint/${query.fingerprint.toUpperCase()}`;
}

interface VksDeps extends KeyHttpDeps {
  baseUrl?: string;
  timeoutMs?: number;
}

/** Throws HttpsGetError, KeyHttpError. */
function fetchVks(query: VksQuery, deps: VksDeps): Promise<KeyDocument & { url: string }> {
  const url = vksUrl(deps.baseUrl ?? VKS_DEFAULT_BASE_URL, query);
  const limits = { maxBytes: VKS_MAX_BYTES, timeoutMs: deps.timeoutMs ?? VKS_TIMEOUT_MS };
  return getKeyDocument(url, deps, limits).then((document) => ({ ...document, url }));
}

/**
 * The verdict of the VKS for `address`: by e-mail, or by the fingerprint of a pinned key (then the result's
 * source is `pinned`: the key is there because it was pinned, whatever server held it).
 */
export async function getVksKey(
  address: string,
  query: VksQuery,
  deps: VksDeps,
  rules: KeyRules,
): Promise<SourceResult> {
  const source = 'email' in query ? 'vks' : 'pinned';
  let answer: KeyDocument & { url: string };
  try {
    answer = await fetchVks(query, deps);
  } catch (error) {
    return failedResult(source, 'the VKS lookup', error);
  }
  return judgeDocument(source, answer, address, rules, `on the key server at ${answer.url}`);
}
