/**
 * A declarative zone answering through the real DnsClient interface (STYLE habit 5): names map to records per
 * type, or to a failure thrown exactly as the real client throws it.
 */
import type { DnsClient, DnsRecordType, DnsRecordTypes, DnsResult } from '../../src/server/dns';
import { DnsServfailError, DnsTimeoutError } from '../../src/server/dns';

type Entry = { [T in DnsRecordType]?: DnsRecordTypes[T][] | 'servfail' | 'timeout' } & { secure?: boolean };

export interface FakeZone {
  [name: string]: Entry;
}

export function fakeDns(zone: FakeZone, options: { secure?: boolean; delayMs?: number } = {}) {
  const queries: string[] = [];
  const client: DnsClient = {
    async query<T extends DnsRecordType>(name: string, type: T): Promise<DnsResult<DnsRecordTypes[T]>> {
      queries.push(`${name} ${type}`);
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const entry = zone[name];
      const secure = entry?.secure ?? options.secure ?? true;
      if (!entry) return { status: 'nxdomain', secure, cnames: [] };
      const records = entry[type];
      if (records === 'servfail') throw new DnsServfailError(`${name} ${type}: SERVFAIL`);
      if (records === 'timeout') throw new DnsTimeoutError(`${name} ${type}: time-out`);
      if (!records || records.length === 0) return { status: 'nodata', secure, cnames: [] };
      return { status: 'answer', records: records as DnsRecordTypes[T][], ttl: 300, secure, cnames: [] };
    },
  };
  return { client, queries };
}
