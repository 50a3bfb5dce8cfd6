/**
 * DNS OPENPGPKEY records (RFC 7929). A key from DNS is bound to the address only by DNSSEC: an answer the
 * trusted validating resolver did not mark authentic (AD) could come from anyone on the path, so it is ignored.
 */
import { createHash } from 'node:crypto';
import type { DnsClient } from '../dns';
import { failedResult, judgeAnswer, type SourceResult } from './source-result';
import type { KeyRules } from './validate';

/** §3: SHA2-256 of the local part as UTF-8, unfolded, truncated to 28 octets, in hex, under `_openpgpkey`. */
export function openpgpkeyName(localPart: string, domain: string): string {
  const digest = createHash('sha256').update(localPart, 'utf8').digest('hex').slice(0, 56);
  return `${digest}._openpgpkey.${domain}`;
}

type OpenpgpkeyAnswer =
  | { status: 'records'; name: string; records: Buffer[]; secure: boolean }
  | { status: 'none'; name: string; secure: boolean };

/** Throws the DNS client's errors (DNS_SERVFAIL, DNS_TIMEOUT…): a failed lookup is not an absent record. */
async function fetchOpenpgpkey(
  localPart: string,
  domain: string,
  dns: DnsClient,
  signal?: AbortSignal,
): Promise<OpenpgpkeyAnswer> {
  const name = openpgpkeyName(localPart, domain);
  const result = await dns.query(name, 'OPENPGPKEY', { signal });
  if (result.status !== 'answer') return { status: 'none', name, secure: result.secure };
  return { status: 'records', name, records: result.records, secure: result.secure };
}

export async function getDnsKey(
  address: { address: string; localPart: string; domain: string },
  deps: { dns: DnsClient; signal?: AbortSignal },
  rules: KeyRules,
): Promise<SourceResult> {
  let answer: OpenpgpkeyAnswer;
  try {
    answer = await fetchOpenpgpkey(address.localPart, address.domain, deps.dns, deps.signal);
  } catch (error) {
    return failedResult('dns', 'the OPENPGPKEY lookup', error);
  }
  if (answer.status === 'none') {
    return { source: 'dns', status: 'none', reasons: [`no OPENPGPKEY record at ${answer.name}`] };
  }
  if (!answer.secure) {
    return {
      source: 'dns',
      status: 'none',
      reasons: [`the OPENPGPKEY record at ${answer.name} was ignored: the answer is not DNSSEC-validated`],
    };
  }
  // §2.1: one record holds one transferable public key; several records are read as one key list.
  return judgeAnswer(
    'dns',
    Buffer.concat(answer.records),
    address.address,
    rules,
    `in DNS at ${answer.name}`,
  );
}
