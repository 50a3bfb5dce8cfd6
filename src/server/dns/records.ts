/**
 * The record types the client answers for, and how each one's rdata reaches callers. dns-packet has no name for
 * OPENPGPKEY: it calls type 61 `UNKNOWN_61` and hands the rdata over as raw bytes, which is what RFC 7929 §2.1
 * defines it to be (a transferable public key).
 */
import type { MxData, SrvData, TlsaData } from 'dns-packet';
import { normalizeWireName } from './names';

interface MxRecord {
  preference: number;
  /** "" for the RFC 7505 null MX ("."): the domain accepts no mail. */
  exchange: string;
}

/** RFC 2782 service location, as RFC 6186 publishes mail access endpoints. */
export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  /** "" for "." (RFC 2782: the service is decidedly not available at this domain). */
  target: string;
}

export interface TlsaRecord {
  usage: number;
  selector: number;
  matchingType: number;
  data: Buffer;
}

export interface DnsRecordTypes {
  A: string;
  AAAA: string;
  CNAME: string;
  MX: MxRecord;
  /** The character-strings of one record, kept apart: MTA-STS and TLS-RPT join them, other uses may not. */
  TXT: string[];
  TLSA: TlsaRecord;
  OPENPGPKEY: Buffer;
  SRV: SrvRecord;
}

export type DnsRecordType = keyof DnsRecordTypes;

const WIRE_TYPES: Record<DnsRecordType, string> = {
  A: 'A',
  AAAA: 'AAAA',
  CNAME: 'CNAME',
  MX: 'MX',
  TXT: 'TXT',
  TLSA: 'TLSA',
  OPENPGPKEY: 'UNKNOWN_61',
  SRV: 'SRV',
};

/** The type name dns-packet uses on the wire side. */
export function wireType(type: DnsRecordType): string {
  return WIRE_TYPES[type];
}

/** dns-packet's names of the types the client reads (message.ts decodes only these). */
export const WIRE_TYPE_NAMES: readonly string[] = Object.values(WIRE_TYPES);

// Each converter takes the rdata as dns-packet decoded it for that type. Buffers are copied so a record does not
// keep the whole response datagram alive.
const CONVERTERS: { [K in DnsRecordType]: (data: never) => DnsRecordTypes[K] } = {
  A: (data: string) => data,
  AAAA: (data: string) => data,
  CNAME: (data: string) => normalizeWireName(data),
  MX: (data: MxData) => ({ preference: data.preference ?? 0, exchange: normalizeWireName(data.exchange) }),
  TXT: (data: Buffer[]) => data.map((characterString) => characterString.toString('utf8')),
  TLSA: (data: TlsaData) => ({
    usage: data.usage,
    selector: data.selector,
    matchingType: data.matchingType,
    data: Buffer.from(data.certificate),
  }),
  OPENPGPKEY: (data: Buffer) => Buffer.from(data),
  SRV: (data: SrvData) => ({
    priority: data.priority ?? 0,
    weight: data.weight ?? 0,
    port: data.port,
    target: normalizeWireName(data.target),
  }),
};

/** The typed record for rdata that dns-packet decoded as `wireType(type)`. */
export function toRecord<T extends DnsRecordType>(type: T, data: unknown): DnsRecordTypes[T] {
  return (CONVERTERS[type] as (data: unknown) => DnsRecordTypes[T])(data);
}
