/**
 * Fuzz: DNS responses as a resolver (or an attacker racing it) sends them (inspectResponse): well-formed answers
 * for the query, then mutated bytes — flipped, cut, spliced, lying counts and lengths, compression pointers.
 */
import * as dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { buildQuery, inspectResponse } from '../../src/server/dns/message';
import { toRecord, wireType, type DnsRecordType } from '../../src/server/dns/records';
import { fuzzTest } from './runner';

const QUERY_NAME = '_25._tcp.mx.example.org';
const query = buildQuery(QUERY_NAME, 'TLSA', 0x1234, 1232);

const label = fc.constantFrom('mx', 'example', 'org', 'a', '_25', '_tcp', 'xn--bcher-kva', 'x'.repeat(63));
const name = fc.array(label, { minLength: 1, maxLength: 6 }).map((labels) => labels.join('.'));
const answer: fc.Arbitrary<dnsPacket.Answer> = fc.oneof(
  fc.record({ type: fc.constant('A' as const), name, ttl: fc.nat(), data: fc.constant('192.0.2.1') }),
  fc.record({
    type: fc.constant('MX' as const),
    name,
    ttl: fc.nat(),
    data: fc.record({ preference: fc.nat({ max: 65535 }), exchange: name }),
  }),
  fc.record({ type: fc.constant('CNAME' as const), name, ttl: fc.nat(), data: name }),
  fc.record({ type: fc.constant('AAAA' as const), name, ttl: fc.nat(), data: fc.constant('2001:db8::1') }),
  fc.record({
    type: fc.constant('UNKNOWN_61' as const),
    name,
    ttl: fc.nat(),
    data: fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
  }),
  fc.record({
    type: fc.constant('TXT' as const),
    name,
    ttl: fc.nat(),
    data: fc.array(fc.string({ maxLength: 255 }), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    type: fc.constant('TLSA' as const),
    name,
    ttl: fc.nat(),
    data: fc.record({
      usage: fc.nat({ max: 255 }),
      selector: fc.nat({ max: 255 }),
      matchingType: fc.nat({ max: 255 }),
      certificate: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
    }),
  }),
) as fc.Arbitrary<dnsPacket.Answer>;

const response = fc
  .record({
    answers: fc.array(answer, { maxLength: 40 }),
    // Stepped over by RDLENGTH rather than decoded (message.ts): as a negative answer's proofs would be.
    authorities: fc.array(answer, { maxLength: 8 }),
    flags: fc.nat({ max: 0xffff }),
    rcode: fc.nat({ max: 15 }),
  })
  .map(({ answers, authorities, flags }) =>
    dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: flags | 0x8000,
      questions: [{ name: QUERY_NAME, type: 'TLSA', class: 'IN' }],
      answers,
      authorities,
      additionals: [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: 1232,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ],
    }),
  );

type Edit = {
  kind: 'flip' | 'cut' | 'splice' | 'pointer' | 'count';
  at: number;
  value: number;
  bytes: Uint8Array;
};
const edit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('flip', 'cut', 'splice', 'pointer', 'count'),
  at: fc.nat(),
  value: fc.nat({ max: 0xffff }),
  bytes: fc.uint8Array({ maxLength: 32 }),
});

/** Applies one edit; offsets past the 12-byte header keep our id and QR bit most of the time. */
function applyEdit(message: Buffer, e: Edit): Buffer {
  const at = message.length === 0 ? 0 : e.at % message.length;
  switch (e.kind) {
    case 'flip': {
      const copy = Buffer.from(message);
      if (copy.length > 0) copy[at] = (copy[at] ?? 0) ^ (1 << (e.value % 8));
      return copy;
    }
    case 'cut':
      return message.subarray(0, at);
    case 'splice':
      return Buffer.concat([message.subarray(0, at), e.bytes, message.subarray(at)]);
    case 'pointer': {
      // A compression pointer (0xC0 | offset) aimed anywhere, itself included: loops and forward references.
      const copy = Buffer.from(message);
      if (at + 1 < copy.length) copy.writeUInt16BE(0xc000 | (e.value % Math.max(1, copy.length)), at);
      return copy;
    }
    case 'count': {
      const copy = Buffer.from(message);
      if (copy.length >= 12) copy.writeUInt16BE(e.value % 600, 4 + 2 * (e.value % 4));
      return copy;
    }
  }
}

/** Many labels or pointers chained back to back, up to the 64 KiB a TCP DNS message can hold. */
const pathological = fc
  .tuple(
    fc.constantFrom([0x01, 0x61], [0xc0, 0x0c], [0x3f], [0xc0, 0x0e], [0x00]),
    fc.integer({ min: 0, max: 65_000 }),
  )
  .map(([unit, length]) => {
    const header = Buffer.from(query.bytes.subarray(0, 12));
    header.writeUInt16BE(0x8180, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(1, 6);
    const body = Buffer.alloc(length);
    for (let i = 0; i < length; i++) body[i] = unit[i % unit.length]!;
    return Buffer.concat([header, body]);
  });

const messages = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(response, fc.array(edit, { maxLength: 4 })).map(([m, es]) => es.reduce(applyEdit, m)),
  },
  { weight: 2, arbitrary: pathological },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.concat([query.bytes.subarray(0, 2), b])),
  },
);

const TYPES: DnsRecordType[] = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'TLSA', 'OPENPGPKEY'];
const typeByWire = new Map(TYPES.map((type) => [wireType(type), type]));

/** A response as the client reads it: inspected for the query, then every answer of a type it asks for typed. */
function readResponse(message: Buffer, transport: 'udp' | 'tcp'): void {
  const inspection = inspectResponse(message, query, transport);
  if (inspection.kind !== 'response') return;
  for (const answer of inspection.response.answers) {
    const type = typeByWire.get(answer.type);
    if (type !== undefined) toRecord(type, answer.data);
  }
}

fuzzTest({
  name: 'DNS messages',
  inputs: fc.tuple(messages, fc.constantFrom('udp' as const, 'tcp' as const)),
  size: ([message]) => message.length,
  parse: ([message, transport]) => readResponse(message, transport),
});
