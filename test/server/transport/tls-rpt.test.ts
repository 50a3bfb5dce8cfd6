import { TXT_RECORD_MAX_OCTETS } from '../../../src/server/transport/mta-sts-parse';
import { parseTlsRptRecord, type TlsRptResultType } from '../../../src/server/transport/tls-rpt';

const record = (...texts: string[]) => parseTlsRptRecord(texts.map((text) => [text]));

describe('parseTlsRptRecord', () => {
  test('RFC 8460 §3: reads the rua of the one v=TLSRPTv1 record', () => {
    expect(record('v=TLSRPTv1;rua=mailto:reports@example.com')).toEqual({
      status: 'record',
      rua: ['mailto:reports@example.com'],
    });
  });

  test('RFC 8460 §3: rua lists mailto: and https: URIs, commas with optional WSP between them', () => {
    expect(record('v=TLSRPTv1; rua=mailto:a@example.com , https://reports.example.com/v1/tlsrpt;')).toEqual({
      status: 'record',
      rua: ['mailto:a@example.com', 'https://reports.example.com/v1/tlsrpt'],
    });
  });

  test('RFC 8460 §3: a record’s character-strings are joined without spaces', () => {
    expect(parseTlsRptRecord([['v=TLSRPTv1; rua=mailto:re', 'ports@example.com']])).toEqual({
      status: 'record',
      rua: ['mailto:reports@example.com'],
    });
  });

  test('RFC 8460 §3: destinations with other schemes are skipped; extension fields are ignored', () => {
    expect(record('v=TLSRPTv1; ext=1; rua=ftp://x.example/r, mailto:a@example.com')).toEqual({
      status: 'record',
      rua: ['mailto:a@example.com'],
    });
  });

  test.each([
    'v=TLSRPTv1;',
    'v=TLSRPTv1; ext=1',
    'v=TLSRPTv1; rua=',
    'v=TLSRPTv1; rua=reports@example.com',
    'v=TLSRPTv1; rua=mailto:a@example.com,,mailto:b@example.com',
    'v=TLSRPTv1; rua=ftp://x.example/r',
    'v=TLSRPTv1; ; rua=mailto:a@example.com',
  ])('RFC 8460 §3: %j is invalid', (text) => {
    expect(record(text)).toMatchObject({ status: 'invalid', reason: expect.any(String) });
  });

  test.each([
    'v=tlsrptv1; rua=mailto:a@example.com',
    'rua=mailto:a@example.com; v=TLSRPTv1',
    'v=TLSRPTv10; rua=mailto:a@example.com',
    'v=STSv1; id=abc',
  ])('RFC 8460 §3: %j is not a TLS-RPT record and is discarded before counting', (text) => {
    expect(record(text)).toEqual({ status: 'none' });
    expect(record(text, 'v=TLSRPTv1; rua=mailto:a@example.com')).toMatchObject({ status: 'record' });
  });

  test('RFC 8460 §3: WSP around the commas is dropped, WSP at the ends of the list is not', () => {
    expect(record('v=TLSRPTv1; rua=mailto:a@example.com\t ,\t mailto:b@example.com')).toMatchObject({
      rua: ['mailto:a@example.com', 'mailto:b@example.com'],
    });
    expect(record('v=TLSRPTv1; rua= mailto:a@example.com')).toMatchObject({ status: 'invalid' });
    expect(record('v=TLSRPTv1; rua=mailto:a@example.com ')).toMatchObject({ status: 'invalid' });
  });

  test(`a record over ${TXT_RECORD_MAX_OCTETS} octets is invalid, however it is made, and is refused at once`, () => {
    const uri = 'mailto:reports@example.com';
    const texts = [
      `v=TLSRPTv1; rua=${uri}${' '.repeat(60_000)},${uri}`,
      `v=TLSRPTv1; rua=${`${uri} , `.repeat(2_000)}${uri}`,
      `v=TLSRPTv1;${' '.repeat(60_000)}rua=${uri}`,
    ];
    for (const text of texts) {
      const started = performance.now();
      expect(record(text)).toEqual({
        status: 'invalid',
        reason: `the record is ${text.length} octets long, more than the ${TXT_RECORD_MAX_OCTETS} read`,
      });
      // Generous: this takes well under a millisecond; the backtracking split it replaced took seconds.
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  test('a record at the cap, of WSP runs around commas, is read', () => {
    const uri = 'mailto:reports@example.com';
    const text = `v=TLSRPTv1; rua=${uri}${' '.repeat(TXT_RECORD_MAX_OCTETS - 2 * uri.length - 20)},${uri}`;
    expect(text.length).toBeLessThanOrEqual(TXT_RECORD_MAX_OCTETS);
    expect(record(text)).toEqual({ status: 'record', rua: [uri, uri] });
  });

  test('an invalid URI is quoted in the reason by its start only', () => {
    expect(record(`v=TLSRPTv1; rua=${'x'.repeat(3000)}`)).toEqual({
      status: 'invalid',
      reason: `rua "${'x'.repeat(100)}…" is not a URI`,
    });
  });

  test('RFC 8460 §3: more than one record means the domain does not implement TLS-RPT', () => {
    expect(record('v=TLSRPTv1; rua=mailto:a@example.com', 'v=TLSRPTv1; rua=mailto:b@example.com')).toEqual({
      status: 'multiple',
      count: 2,
    });
  });
});

test('RFC 8460 §4.3: the result types are the eleven the RFC defines', () => {
  // A Record over the union fails to compile if a type is missing or extra.
  const sections: Record<TlsRptResultType, string> = {
    'starttls-not-supported': '4.3.1',
    'certificate-host-mismatch': '4.3.1',
    'certificate-expired': '4.3.1',
    'certificate-not-trusted': '4.3.1',
    'validation-failure': '4.3.1',
    'tlsa-invalid': '4.3.2.1',
    'dnssec-invalid': '4.3.2.1',
    'dane-required': '4.3.2.1',
    'sts-policy-fetch-error': '4.3.2.2',
    'sts-policy-invalid': '4.3.2.2',
    'sts-webpki-invalid': '4.3.2.2',
  };
  expect(Object.keys(sections)).toHaveLength(11);
});
