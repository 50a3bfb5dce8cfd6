/** The DNS client: what the transport checks and the OPENPGPKEY lookup import. */
export {
  createDnsClient,
  isDnssecFailure,
  type DnsClient,
  type DnsClientOptions,
  type DnsResult,
  type QueryOptions,
} from './client';
export * from './errors';
export type { DnsServer } from './exchange';
export type { DnsRecordType, DnsRecordTypes, MxRecord, TlsaRecord } from './records';
export { addressResolver, lookupAddresses, type HostAddresses } from './addresses';
export { dnsClientFor, dnsClientFromSystem, parseServerSpec, serversFromResolvConf } from './system';
