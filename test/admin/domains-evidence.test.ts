/**
 * The Domains page's reading of a report's evidence, fed with reports the real transport check made against the
 * offline bed (DNSSEC resolver, Postfix with STARTTLS, MTA-STS over HTTPS), as `GET /admin/domains/:domain`
 * carries them: every MX, address and policy reads as a sentence, nothing as "not reported".
 */
import { readEvidence } from '../../src/admin/pages/DomainsEvidence';
import type { CachingTransportService } from '../../src/server/transport';
import { bedTransportService } from '../helpers/bed-services';
import { testbed } from '../helpers/testbed';

let service: CachingTransportService;

beforeAll(() => {
  service = bedTransportService(testbed());
});

async function evidenceOf(domain: string) {
  const { domain: _d, verdict: _v, reasons: _r, checkedAt: _c, ...evidence } = await service.report(domain);
  return readEvidence(evidence as unknown as Record<string, unknown>);
}

test('DANE (RFC 7672): the MX, its TLSA records, the address with TLS 1.3, a trusted certificate naming it', async () => {
  const view = await evidenceOf('dane-ee.sendguard.test');
  expect(view.mx).toHaveLength(1);
  expect(view.mx[0]!.title).toBe('MX 10 mx.dane-ee.sendguard.test');
  expect(view.mx[0]!.dane).toMatch(/^DANE: 1 TLSA record\(s\) in a DNSSEC-signed zone \(3 1 1\)$/);
  expect(view.mx[0]!.addresses[0]).toMatchObject({
    verdict: 'authenticated',
    starttls: 'offered',
    tls: expect.stringMatching(/^TLSv1\.3 TLS_/),
    certificate: expect.stringMatching(/^trusted, names the host, valid until \d{4}-\d\d-\d\d$/),
    authentication: 'DANE',
  });
  expect(view.tlsRpt).toBe('TLS-RPT: reports go to mailto:tlsrpt@dane-ee.sendguard.test');
  expect(view.mtaSts).toMatch(/^MTA-STS: none \(/);
  expect(view.notes).toContain('The MX answer was validated with DNSSEC.');
});

test('MTA-STS enforce (RFC 8461): mode, mx patterns and max_age, the connection authenticated by it', async () => {
  const view = await evidenceOf('sts-enforce.sendguard.test');
  expect(view.mtaSts).toMatch(/^MTA-STS: mode enforce, mx \S+, max_age \d+ s$/);
  expect(view.mx[0]!.addresses[0]!.authentication).toBe('MTA-STS');
});

test('an MX without STARTTLS reads as such, with the reason', async () => {
  const view = await evidenceOf('partial.sendguard.test');
  const rows = view.mx.flatMap((mx) => mx.addresses);
  const plain = rows.find((row) => row.starttls === 'not offered');
  expect(plain).toBeDefined();
  expect(plain!.tls).toMatch(/^none/);
  expect(plain!.reason).not.toBe('');
  expect(JSON.stringify(view)).not.toContain('not reported');
});

test('evidence missing or malformed reads as "not reported", never throws', () => {
  const view = readEvidence({ mx: [{ addresses: [{}], dane: 7 }, 'junk'], mtaSts: null, tlsRpt: [] });
  expect(view.mx[0]!.title).toBe('MX ? not reported');
  expect(view.mx[0]!.addresses[0]).toMatchObject({ address: 'not reported', starttls: 'not reported' });
  expect(view.mtaSts).toBe('MTA-STS: not reported');
  expect(readEvidence(undefined)).toEqual({
    mx: [],
    mtaSts: 'MTA-STS: not reported',
    tlsRpt: 'TLS-RPT: not reported',
    notes: [],
  });
});
