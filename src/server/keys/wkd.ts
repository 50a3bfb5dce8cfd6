/**
 * The OpenPGP Web Key Directory (draft-koch-openpgp-webkey-service §3.1). openpgp.js dropped its WKD client in v5,
 * and the v4 one fell back to the direct method on any failure of the advanced one (a 404 included) and sent no
 * `l=` parameter; no maintained npm package implements the draft, so this is our own, on httpsGet.
 */
import { createHash } from 'node:crypto';
import { HttpsGetError } from '../net/https-get';
import { getKeyDocument, type KeyDocument, type KeyHttpDeps } from './key-http';
import { failedResult, judgeDocument, type SourceResult } from './source-result';
import type { KeyRules } from './validate';

const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';
/** The draft's bound on a key document; larger answers are refused, not truncated. */
const WKD_MAX_BYTES = 256 * 1024;
const WKD_TIMEOUT_MS = 5000;

/** z-base-32 (RFC 6189 §5.1.6 alphabet), most significant bit first; SHA-1's 160 bits make exactly 32 letters. */
function zbase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ZBASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ZBASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** §3.1: only ASCII letters are lower-cased, so a non-ASCII local part hashes as the recipient wrote it. */
export function wkdHash(localPart: string): string {
  const lowered = localPart.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
  return zbase32(createHash('sha1').update(lowered, 'utf8').digest());
}

interface WkdUrls {
  advanced: string;
  direct: string;
}

/** `domain` is the lower-case A-label. `port` is a test seam: WKD itself is always on 443. */
function wkdUrls(localPart: string, domain: string, port?: number): WkdUrls {
  const hash = wkdHash(localPart);
  const query = `?l=${encodeURIComponent(localPart)}`;
  const at = port === undefined ? '' : `:${port}`;
  return {
    advanced: `https://openpgpkey.${domain}${at}/.well-known/openpgpkey/${domain}/hu/${hash}${query}`,
    direct: `https://${domain}${at}/.well-known/openpgpkey/hu/${hash}${query}`,
  };
}

interface WkdDeps extends KeyHttpDeps {
  timeoutMs?: number;
  /** Test seam: the port both methods use (443 when absent). */
  port?: number;
}

type WkdAnswer = KeyDocument & { url: string; method: 'advanced' | 'direct' };

/**
 * §3.1: the advanced method, and the direct one only when `openpgpkey.<domain>` has no address. A 404 or any
 * other failure of an existing advanced host is that host's answer: falling back would let whoever controls the
 * bare domain's web server override the key directory the domain delegated. Throws HttpsGetError, KeyHttpError.
 */
async function fetchWkd(localPart: string, domain: string, deps: WkdDeps): Promise<WkdAnswer> {
  const urls = wkdUrls(localPart, domain, deps.port);
  const limits = { maxBytes: WKD_MAX_BYTES, timeoutMs: deps.timeoutMs ?? WKD_TIMEOUT_MS };
  try {
    return { ...(await getKeyDocument(urls.advanced, deps, limits)), url: urls.advanced, method: 'advanced' };
  } catch (error) {
    if (!(error instanceof HttpsGetError && error.code === 'HTTP_NAME_NOT_FOUND')) throw error;
  }
  try {
    return { ...(await getKeyDocument(urls.direct, deps, limits)), url: urls.direct, method: 'direct' };
  } catch (error) {
    // Neither host exists (a mail-only domain, or no domain at all): there is no key directory, which is an
    // answer ("no key"), not a failed lookup — GnuPG says "No name" here too.
    if (error instanceof HttpsGetError && error.code === 'HTTP_NAME_NOT_FOUND') {
      return { status: 'absent', url: urls.direct, method: 'direct' };
    }
    throw error;
  }
}

/** The WKD verdict for one address (as `parseAddress` gives it). */
export async function getWkdKey(
  address: { address: string; localPart: string; domain: string },
  deps: WkdDeps,
  rules: KeyRules,
): Promise<SourceResult> {
  let answer: WkdAnswer;
  try {
    answer = await fetchWkd(address.localPart, address.domain, deps);
  } catch (error) {
    return failedResult('wkd', 'the WKD lookup', error);
  }
  return judgeDocument(
    'wkd',
    answer,
    address.address,
    rules,
    `in WKD (${answer.method} method) at ${answer.url}`,
  );
}
