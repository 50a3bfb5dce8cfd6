/**
 * Cross-check against Postfix's own posttls-finger on the same test bed: the TLS version, cipher and server key
 * we record, and our DANE judgement, agree with what Postfix's TLS client sees.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CachingTransportService } from '../../../src/server/transport/service';
import { bedTransportService } from '../../helpers/bed-services';
import type { TransportReport } from '../../../src/server/transport/report';
import { testbed, TESTBED_DIR } from '../../helpers/testbed';

interface FingerView {
  trust?: string;
  version?: string;
  cipher?: string;
  pkeySha256?: string;
  daneMatched: boolean;
  daneMismatch: boolean;
}

async function posttlsFinger(domain: string, level: string): Promise<FingerView> {
  const run = promisify(execFile);
  const { stdout, stderr } = await run(join(TESTBED_DIR, 'posttls-finger.sh'), [domain, level], {
    timeout: 60_000,
  }).catch((error: { stdout: string; stderr: string }) => error);
  const text = `${stdout}${stderr}`;
  const established = /(\w+) TLS connection established to [^:]+:\d+: (TLSv[\d.]+) with cipher (\S+)/.exec(
    text,
  );
  const pkey = /pkey_fingerprint=([0-9A-F:]+)/.exec(text);
  return {
    ...(established ? { trust: established[1], version: established[2], cipher: established[3] } : {}),
    ...(pkey ? { pkeySha256: pkey[1]!.replace(/:/g, '').toLowerCase() } : {}),
    daneMatched: /Matched DANE/.test(text),
    daneMismatch: /no matching DANE TLSA records/.test(text),
  };
}

let service: CachingTransportService;

beforeAll(() => {
  const bed = testbed();
  service = bedTransportService(bed);
});

function firstAddress(report: TransportReport) {
  const address = report.mx[0]?.addresses[0];
  if (!address) throw new Error(`${report.domain}: no probed address`);
  return address;
}

describe('agreement with posttls-finger', () => {
  test.each([
    ['dane-ee.sendguard.test', 'dane'],
    ['dane-ta.sendguard.test', 'dane'],
    ['dane-mismatch.sendguard.test', 'dane'],
    ['tls-valid.sendguard.test', 'may'],
    ['tls-selfsigned.sendguard.test', 'may'],
  ])('%s at level %s: same version, cipher, server key and DANE outcome', async (domain, level) => {
    const [ours, theirs] = await Promise.all([service.report(domain), posttlsFinger(domain, level)]);
    const address = firstAddress(ours);
    expect({
      version: address.tls?.version,
      cipher: address.tls?.cipher,
      pkeySha256: address.tls?.certificate?.spkiSha256,
      dane: address.authentication === 'dane',
      broken: ours.verdict === 'broken',
    }).toEqual({
      version: theirs.version,
      cipher: theirs.cipher,
      pkeySha256: theirs.pkeySha256,
      dane: theirs.daneMatched && theirs.trust === 'Verified',
      broken: theirs.daneMismatch,
    });
  });

  test('no STARTTLS: posttls-finger establishes no TLS either', async () => {
    const [ours, theirs] = await Promise.all([
      service.report('no-starttls.sendguard.test'),
      posttlsFinger('no-starttls.sendguard.test', 'may'),
    ]);
    expect(firstAddress(ours).starttls).toBe(false);
    expect(theirs.version).toBeUndefined();
  });

  test('a TLS 1.0/1.1-only server: both see the same legacy protocol version', async () => {
    const [ours, theirs] = await Promise.all([
      service.report('legacy-tls.sendguard.test'),
      posttlsFinger('legacy-tls.sendguard.test', 'may'),
    ]);
    expect(ours.verdict).toBe('weak');
    expect(firstAddress(ours).tls?.version).toBe(theirs.version);
  });
});
