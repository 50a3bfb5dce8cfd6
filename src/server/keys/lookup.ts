/**
 * `lookupKey`: the key verdict for one address, from every source in precedence order (see decide.ts), within
 * per-source deadlines and an overall one. It never throws for anything the network or a key does; only an
 * address that is not one throws (AddressError).
 *
 * WKD and DNS ask the recipient's own domain and run together; the VKS, a third party, is asked only when they
 * gave no valid key, so it does not learn of every recipient the organisation writes to.
 */
import { mailboxKey, parseAddress, type Recipient } from '../../core/addresses';
import { systemClock, type Clock } from '../../core/clock';
import { VKS_DEFAULT_BASE_URL } from '../../core/key-server';
import type { KeyAssessment } from '../../core/wire';
import type { DnsClient } from '../dns';
import type { HttpsGet, HttpsNetwork } from '../net/https-get';
import { decide } from './decide';
import { getDnsKey } from './openpgpkey-dns';
import type { OrgKeyring } from './org-keyring';
import type { Pin, PinStore } from '../store/store';
import { FIRST_USE, pinKey } from './pins';
import type { PublicKey } from './openpgp';
import { failedResult, judgeKeys, type SourceResult } from './source-result';
import type { KeyRules } from './validate';
import { getVksKey } from './vks';
import { getWkdKey } from './wkd';

export interface KeyLookupDeps {
  network: HttpsNetwork;
  /** The DNS client of the transport checks; its AD bit decides whether an OPENPGPKEY record counts. */
  dns: DnsClient;
  pins: PinStore;
  orgKeyring?: OrgKeyring;
  httpsGet?: HttpsGet;
  /** Wall time: key validity, and when a first-use pin was made. */
  clock?: Clock;
  /** Test seam: the HTTPS port WKD uses (443 when absent). The VKS port is part of its base URL. */
  wkdPort?: number;
}

interface KeyLookupTimeouts {
  wkdMs: number;
  dnsMs: number;
  vksMs: number;
  overallMs: number;
}

export interface KeyLookupOptions {
  /** The policy's `keys` section. */
  minRsaBits: number;
  allowLegacyAlgorithms: boolean;
  /** The VKS to ask; null asks none. */
  vksBaseUrl?: string | null;
  timeouts?: Partial<KeyLookupTimeouts>;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUTS: KeyLookupTimeouts = {
  wkdMs: 5000,
  dnsMs: 4000,
  vksMs: 5000,
  overallMs: 12_000,
};

export async function lookupKey(
  address: string,
  deps: KeyLookupDeps,
  options: KeyLookupOptions,
): Promise<KeyAssessment> {
  const recipient = parseAddress(address);
  const key = mailboxKey(recipient.address) as string;
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const signal = AbortSignal.any([
    AbortSignal.timeout(timeouts.overallMs),
    ...(options.signal === undefined ? [] : [options.signal]),
  ]);
  const clock = deps.clock ?? systemClock;
  const rules: KeyRules = { ...options, now: new Date(clock.now()) };
  const pin = await deps.pins.get(key);
  const results = await gather(recipient, pin, { deps, options, timeouts, signal, rules });
  const decision = decide(recipient.address, results, pin);
  if (decision.pinFirstUse !== undefined) {
    await pinKey(
      deps.pins,
      { address: key, fingerprint: decision.pinFirstUse, acceptedBy: FIRST_USE },
      clock,
    );
  }
  return decision.assessment;
}

interface Context {
  deps: KeyLookupDeps;
  options: KeyLookupOptions;
  timeouts: KeyLookupTimeouts;
  signal: AbortSignal;
  rules: KeyRules;
}

/** The results decide.ts needs, in precedence order, asking each source only while it can change the verdict. */
async function gather(recipient: Recipient, pin: Pin | undefined, context: Context): Promise<SourceResult[]> {
  const org = await orgResult(recipient.address, context);
  if (org.status === 'valid') return [org];
  const { deps, timeouts, signal, rules } = context;
  const network = { ...deps.network, httpsGet: deps.httpsGet, signal };
  const [wkd, dns] = await Promise.all([
    getWkdKey(recipient, { ...network, timeoutMs: timeouts.wkdMs, port: deps.wkdPort }, rules),
    getDnsKey(
      recipient,
      { dns: deps.dns, signal: AbortSignal.any([signal, AbortSignal.timeout(timeouts.dnsMs)]) },
      rules,
    ),
  ]);
  const discovered = [wkd, dns];
  const vksBaseUrl =
    context.options.vksBaseUrl === undefined ? VKS_DEFAULT_BASE_URL : context.options.vksBaseUrl;
  if (vksBaseUrl === null) return [org, ...discovered];
  const vks = { ...network, baseUrl: vksBaseUrl, timeoutMs: timeouts.vksMs };
  if (!discovered.some((result) => result.status === 'valid')) {
    discovered.push(await getVksKey(recipient.address, { email: recipient.address }, vks, rules));
  }
  const pinFound = discovered.some(
    (result) => result.status === 'valid' && result.key.fingerprint === pin?.fingerprint,
  );
  if (pin === undefined || pinFound) return [org, ...discovered];
  // The pinned key outranks discovery: fetched by fingerprint, it is still used while it stays valid.
  const pinned = await getVksKey(recipient.address, { fingerprint: pin.fingerprint }, vks, rules);
  return [org, pinned, ...discovered];
}

async function orgResult(address: string, { deps, rules }: Context): Promise<SourceResult> {
  let keys: PublicKey[];
  try {
    keys = (await deps.orgKeyring?.keysFor(address)) ?? [];
  } catch (error) {
    // An unreadable keyring directory may hide the very key the admin put there for this partner.
    return failedResult('org', "reading the organisation's keyring", error);
  }
  if (keys.length === 0) return { source: 'org', status: 'none', reasons: [] };
  return judgeKeys('org', keys, address, rules, "in the organisation's keyring");
}
