/** The DNS client: what the transport checks and the OPENPGPKEY lookup import. */
export {
  createDnsClient,
  isDnssecFailure,
  type DnsClient,
  type DnsClientOptions,
  type DnsResult,
} from './client';
export * from './errors';
export type { DnsRecordType, DnsRecordTypes, TlsaRecord } from './records';
export { addressResolver, lookupAddresses } from './addresses';
export { dnsClientFor, dnsClientFromSystem, parseServerSpec, serversFromResolvConf } from './system';
