/**
 * DNS messages on the wire: the query we send, and the checks a datagram must pass before it counts as the
 * answer to it. Everything that reads response bytes lives here, so the hostile-input limits sit in one place.
 */
import * as dnsPacket from 'dns-packet';
import * as types from 'dns-packet/types';
import { DnsMalformedError } from './errors';
import { normalizeWireName } from './names';
import { WIRE_TYPE_NAMES } from './records';

export interface Query {
  id: number;
  /** Normalized (names.ts) query name. */
  name: string;
  /** dns-packet's name for the type (records.ts `wireType`). */
  wireType: string;
  bytes: Buffer;
}

export interface ResourceRecord {
  /** Normalized owner name. */
  name: string;
  type: string;
  ttl: number;
  data: unknown;
}

export interface DnsResponse {
  /** The full RCODE, EDNS extended bits included (RFC 6891 §6.1.3). */
  rcode: number;
  /** The AD bit (RFC 4035 §3.2.3): the resolver says it validated the data; trust is the caller's decision. */
  authenticData: boolean;
  /** Class IN records of the answer section, OPT and other classes dropped. */
  answers: ResourceRecord[];
}

type Inspection = { kind: 'stray' } | { kind: 'truncated' } | { kind: 'response'; response: DnsResponse };

const HEADER_BYTES = 12;
const QR_BIT = 0x8000;
// A real answer, even with RRSIGs and NSEC3 proofs, stays far below this; more records is an attack on memory.
const MAX_RECORDS = 512;

/** The type codes of the types the client reads (records.ts), by dns-packet's names, and back. */
const TYPE_CODES = new Map(WIRE_TYPE_NAMES.map((typeName) => [typeName, types.toType(typeName)]));
const TYPE_NAMES = new Map([...TYPE_CODES].map(([typeName, code]) => [code, typeName]));
const CLASS_IN = 1;
const TYPE_OPT = 41;
const FLAG_RD = 0x0100;
const FLAG_TC = 0x0200;
const FLAG_AD = 0x0020;
const FLAG_CD = 0x0010;
const EDNS_DO = 0x8000;

/**
 * A recursive query (RD) with EDNS0 and the DO bit (RFC 6891 §6.1.4), so a validating resolver sets AD. With
 * `checkingDisabled` (CD, RFC 4035 §3.2.2) the resolver returns data it could not validate instead of SERVFAIL:
 * only ever asked to tell a DNSSEC failure from another one, never to use the data.
 *
 * Written here rather than by dns-packet's general encoder: the name is already checked to be letters, digits,
 * hyphens and underscores (names.ts), so each label is its own bytes, and a batch of domains sends hundreds.
 */
export function buildQuery(
  name: string,
  wireType: string,
  id: number,
  udpPayload: number,
  checkingDisabled = false,
): Query {
  const typeCode = TYPE_CODES.get(wireType);
  if (typeCode === undefined) throw new RangeError(`no type code for ${wireType}`);
  // Header, the name's labels with their length octets and the root, type and class, then the OPT record.
  const bytes = Buffer.alloc(HEADER_BYTES + name.length + 2 + 4 + 11);
  bytes.writeUInt16BE(id, 0);
  bytes.writeUInt16BE(FLAG_RD | (checkingDisabled ? FLAG_CD : 0), 2);
  bytes.writeUInt16BE(1, 4);
  bytes.writeUInt16BE(1, 10);
  let offset = HEADER_BYTES;
  for (const label of name.split('.')) {
    bytes[offset] = label.length;
    offset += 1 + bytes.write(label, offset + 1, 'latin1');
  }
  offset += 1;
  offset = bytes.writeUInt16BE(typeCode, offset);
  offset = bytes.writeUInt16BE(CLASS_IN, offset);
  offset += 1; // the OPT record's owner: the root
  offset = bytes.writeUInt16BE(TYPE_OPT, offset);
  offset = bytes.writeUInt16BE(udpPayload, offset);
  offset += 2; // extended RCODE and version 0
  bytes.writeUInt16BE(EDNS_DO, offset);
  return { id, name, wireType, bytes };
}

/**
 * Classifies a message received for `query`. Datagrams that are not a response with our id, or that answer
 * another question, are `stray` (RFC 5452 §9.1) and must not end the wait; a UDP response with TC set is
 * `truncated` (RFC 1035 §4.2.1) and must be asked again over TCP. Throws DnsMalformedError for a response with our
 * id that cannot be read.
 */
export function inspectResponse(message: Buffer, query: Query, transport: 'udp' | 'tcp'): Inspection {
  if (message.length < HEADER_BYTES) return { kind: 'stray' };
  const flags = message.readUInt16BE(2);
  if (message.readUInt16BE(0) !== query.id || (flags & QR_BIT) === 0) return { kind: 'stray' };
  if (transport === 'udp' && (flags & FLAG_TC) !== 0) return { kind: 'truncated' };
  try {
    return readResponse(message, query, flags);
  } catch (error) {
    if (error instanceof DnsMalformedError) throw error;
    throw new DnsMalformedError('response cannot be parsed', error);
  }
}

/** dns-packet's decoders, which leave the length they read in `decode.bytes`: of a name, and of each type's rdata. */
interface PartDecoder<T> {
  decode: ((buf: Buffer, offset: number) => T) & { bytes: number };
}
const parts = dnsPacket as unknown as {
  name: PartDecoder<string>;
  record(typeName: string): PartDecoder<unknown>;
};

/** Type, class, TTL and RDLENGTH: what follows a record's owner name (RFC 1035 §4.1.3). */
const RECORD_FIXED_BYTES = 10;

/**
 * Reads the message: the question must be ours; of the answer section, the class IN records of the types the
 * client reads are decoded, by dns-packet's decoder for that type; of the additional section, the OPT record's
 * extended RCODE. Everything else is stepped over by its RDLENGTH: the RRSIGs beside the answers and the NSEC/NSEC3
 * proofs of the authority section (the resolver's AD bit speaks for them), which are most of a signed answer.
 */
function readResponse(message: Buffer, query: Query, flags: number): Inspection {
  const questionCount = message.readUInt16BE(4);
  const answerCount = message.readUInt16BE(6);
  const records = answerCount + message.readUInt16BE(8) + message.readUInt16BE(10);
  if (records > MAX_RECORDS) throw new DnsMalformedError(`response claims ${records} records`);
  if (questionCount !== 1) return { kind: 'stray' };
  const questionName = parts.name.decode(message, HEADER_BYTES);
  let offset = HEADER_BYTES + parts.name.decode.bytes;
  const questionType = message.readUInt16BE(offset);
  const questionClass = message.readUInt16BE(offset + 2);
  offset += 4;
  if (
    normalizeWireName(questionName) !== query.name ||
    TYPE_NAMES.get(questionType) !== query.wireType ||
    questionClass !== CLASS_IN
  ) {
    return { kind: 'stray' };
  }
  const answers: ResourceRecord[] = [];
  let extendedRcode = 0;
  const additionalsFrom = records - message.readUInt16BE(10);
  for (let n = 0; n < records; n++) {
    const owner = parts.name.decode(message, offset);
    // Type, class, TTL and RDLENGTH, then the rdata.
    const fixed = offset + parts.name.decode.bytes;
    const rdataAt = fixed + RECORD_FIXED_BYTES;
    if (rdataAt > message.length) throw new DnsMalformedError('a record runs past the message');
    const type = message.readUInt16BE(fixed);
    const rdataLength = message.readUInt16BE(fixed + 8);
    if (rdataAt + rdataLength > message.length) throw new DnsMalformedError('a record runs past the message');
    const typeName = TYPE_NAMES.get(type);
    if (n < answerCount && typeName !== undefined && message.readUInt16BE(fixed + 2) === CLASS_IN) {
      answers.push({
        name: normalizeWireName(owner),
        type: typeName,
        ttl: message.readUInt32BE(fixed + 4),
        data: rdata(message, fixed + 8, typeName, rdataLength),
      });
    } else if (type === TYPE_OPT && n >= additionalsFrom) {
      // The OPT record's TTL field starts with the extended RCODE (RFC 6891 §6.1.3).
      extendedRcode = message.readUInt8(fixed + 4);
    }
    offset = rdataAt + rdataLength;
  }
  if (offset !== message.length) throw new DnsMalformedError('record lengths do not add up');
  const rcode = (extendedRcode << 4) | (flags & 0x0f);
  return { kind: 'response', response: { rcode, authenticData: (flags & FLAG_AD) !== 0, answers } };
}

/**
 * One record's rdata by dns-packet's decoder for its type, which starts at the RDLENGTH field. Some of them (A,
 * MX, CNAME) read by their own layout rather than by RDLENGTH, so a record whose decoding does not end where its
 * RDLENGTH says is refused rather than let shift what follows.
 */
function rdata(message: Buffer, at: number, typeName: string, rdataLength: number): unknown {
  const decoder = parts.record(typeName).decode;
  const data = decoder(message, at);
  if (decoder.bytes !== 2 + rdataLength)
    throw new DnsMalformedError(`a ${typeName} record's length is wrong`);
  return data;
}
