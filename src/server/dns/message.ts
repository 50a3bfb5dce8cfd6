/**
 * DNS messages on the wire: the query we send, and the checks a datagram must pass before it counts as the
 * answer to it. Everything that reads response bytes lives here, so the hostile-input limits sit in one place.
 */
import * as dnsPacket from 'dns-packet';
import { DnsMalformedError } from './errors';
import { normalizeWireName } from './names';

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

/**
 * A recursive query (RD) with EDNS0 and the DO bit (RFC 6891 §6.1.4), so a validating resolver sets AD. With
 * `checkingDisabled` (CD, RFC 4035 §3.2.2) the resolver returns data it could not validate instead of SERVFAIL:
 * only ever asked to tell a DNSSEC failure from another one, never to use the data.
 */
export function buildQuery(
  name: string,
  wireType: string,
  id: number,
  udpPayload: number,
  checkingDisabled = false,
): Query {
  const bytes = dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED | (checkingDisabled ? dnsPacket.CHECKING_DISABLED : 0),
    questions: [{ name, type: wireType as dnsPacket.RecordType, class: 'IN' }],
    additionals: [
      {
        name: '.',
        type: 'OPT',
        udpPayloadSize: udpPayload,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: dnsPacket.DNSSEC_OK,
        flag_do: true,
        options: [],
      },
    ],
  });
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
  if (transport === 'udp' && (flags & dnsPacket.TRUNCATED_RESPONSE) !== 0) return { kind: 'truncated' };
  const packet = decodePacket(message);
  if (!answersQuestion(packet, query)) return { kind: 'stray' };
  return { kind: 'response', response: toResponse(packet, flags) };
}

/** What a response is read into: its question, answers and additional records (the OPT record among them). */
interface ReadPacket {
  questions: dnsPacket.Question[];
  answers: dnsPacket.Answer[];
  additionals: dnsPacket.Answer[];
}

/** dns-packet's decoders of one part, which leave the length they read in `decode.bytes`. */
interface PartDecoder<T> {
  decode: ((buf: Buffer, offset: number) => T) & { bytes: number };
}
const parts = dnsPacket as unknown as {
  name: PartDecoder<string>;
  question: PartDecoder<dnsPacket.Question>;
  answer: PartDecoder<dnsPacket.Answer>;
};

/** Type, class, TTL and RDLENGTH: what follows a record's owner name (RFC 1035 §4.1.3). */
const RECORD_FIXED_BYTES = 10;

/**
 * The header's counts, the question and the answer and additional sections by dns-packet's decoders. The
 * authority section is stepped over by each record's RDLENGTH, not decoded: nothing here reads it (the resolver's
 * AD bit speaks for the NSEC/NSEC3 proofs and signatures it carries), and in a negative answer it is most of the
 * message.
 */
function decodePacket(message: Buffer): ReadPacket {
  const counts = [4, 6, 8, 10].map((at) => message.readUInt16BE(at)) as [number, number, number, number];
  const [questionCount, answerCount, authorityCount, additionalCount] = counts;
  const records = answerCount + authorityCount + additionalCount;
  if (records > MAX_RECORDS) throw new DnsMalformedError(`response claims ${records} records`);
  let offset = HEADER_BYTES;
  const read = <T>(decoder: PartDecoder<T>, count: number): T[] => {
    const items: T[] = [];
    for (let n = 0; n < count; n++) {
      items.push(decoder.decode(message, offset));
      offset += decoder.decode.bytes;
    }
    return items;
  };
  try {
    const questions = read(parts.question, questionCount);
    const answers = read(parts.answer, answerCount);
    for (let n = 0; n < authorityCount; n++) {
      parts.name.decode(message, offset);
      offset += parts.name.decode.bytes + RECORD_FIXED_BYTES;
      if (offset > message.length) throw new RangeError('an authority record runs past the message');
      offset += message.readUInt16BE(offset - 2);
    }
    const additionals = read(parts.answer, additionalCount);
    // dns-packet reads some types (A, MX, CNAME) by their own layout rather than by RDLENGTH, so a lying RDLENGTH
    // shifts the offsets after it; that mostly shows up as a message that does not end where its last record
    // does. A server that could craft a shift that cancels out could as well send whatever records it liked.
    if (offset !== message.length) throw new DnsMalformedError('record lengths do not add up');
    return { questions, answers, additionals };
  } catch (error) {
    if (error instanceof DnsMalformedError) throw error;
    throw new DnsMalformedError('response cannot be parsed', error);
  }
}

function answersQuestion(packet: ReadPacket, query: Query): boolean {
  const [question, ...others] = packet.questions;
  return (
    question !== undefined &&
    others.length === 0 &&
    normalizeWireName(question.name) === query.name &&
    (question.type as string) === query.wireType &&
    question.class === 'IN'
  );
}

function toResponse(packet: ReadPacket, flags: number): DnsResponse {
  const opt = packet.additionals.find((record) => record.type === 'OPT');
  const extendedRcode = opt && 'extendedRcode' in opt ? opt.extendedRcode : 0;
  const answers = packet.answers.flatMap((record): ResourceRecord[] =>
    'class' in record && record.class === 'IN' && 'data' in record
      ? [{ name: normalizeWireName(record.name), type: record.type, ttl: record.ttl ?? 0, data: record.data }]
      : [],
  );
  const authenticData = (flags & dnsPacket.AUTHENTIC_DATA) !== 0;
  return { rcode: (extendedRcode << 4) | (flags & 0x0f), authenticData, answers };
}
