/**
 * Every key case of the offline test bed (test/testbed/key-cases.json) gets the verdict, source and key its
 * description promises from `lookupKey` against real peers: keys made by GnuPG and Sequoia, a WKD tree laid out by
 * gpg-wks-client served over HTTPS (advanced and direct method), OPENPGPKEY records in the signed zone and in the
 * unsigned child behind a validating unbound, and a keys.openpgp.org-style VKS. For the WKD cases GnuPG itself
 * (`gpg --auto-key-locate clear,wkd --locate-keys`, through test/testbed/gpg-locate.sh) must fetch the same
 * certificate, or nothing where we find nothing usable; for some OPENPGPKEY cases its `dane` method is asked too.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mailboxKey } from '../../../src/core/addresses';
import type { KeyAssessment } from '../../../src/core/wire';
import { addressResolver, createDnsClient, parseServerSpec } from '../../../src/server/dns';
import { FIRST_USE, lookupKey, MemoryPinStore, readKeyBlock } from '../../../src/server/keys';
import { TESTBED_DIR, testbed, type Testbed } from '../../helpers/testbed';

interface KeyCase {
  address: string;
  /** A key (key-layout.js name) pinned for the address before the lookup. */
  pin?: string;
  expect: {
    verdict: KeyAssessment['verdict'];
    source: NonNullable<KeyAssessment['source']> | null;
    /** The key whose fingerprint the answer names (key-layout.js name), or null for none. */
    key: string | null;
    /** Words one of the reasons must contain: the rule that refused the key, or where it was found. */
    reason?: string;
  };
  /**
   * What `gpg --auto-key-locate clear,<method> --locate-keys` must import: the certificate we name (`same`),
   * nothing, or a named key (where GnuPG knowingly differs, as its `about` says).
   */
  gnupg?: { method: 'wkd' | 'dane'; imports: string };
  about: string;
}

interface BedKeys {
  keys: Record<string, { fingerprint: string }>;
}

const VKS_BASE_URL = 'https://keys.sendguard.test';
const cases: KeyCase[] = JSON.parse(readFileSync(join(TESTBED_DIR, 'key-cases.json'), 'utf8'));
const label = (c: KeyCase) => (c.pin === undefined ? c.address : `${c.address} pinned to ${c.pin}`);

let bed: Testbed;
let fingerprints: Record<string, string>;
const results = new Map<string, { assessment: KeyAssessment; pins: MemoryPinStore }>();

beforeAll(async () => {
  bed = testbed();
  const published: BedKeys = JSON.parse(readFileSync(join(bed.runDir, 'keys', 'keys.json'), 'utf8'));
  fingerprints = Object.fromEntries(Object.entries(published.keys).map(([name, k]) => [name, k.fingerprint]));
  const dns = createDnsClient({ servers: [parseServerSpec(bed.dns)], trustAd: true });
  const network = {
    resolveAddresses: addressResolver(dns),
    allowPrivateAddresses: true,
    ca: readFileSync(bed.caFile),
  };
  await Promise.all(
    cases.map(async (c) => {
      // A store per case, so that one case's first-use pin never decides another's verdict.
      const pins = new MemoryPinStore();
      if (c.pin !== undefined) {
        const pinned = { fingerprint: fingerprintOf(c.pin), firstSeen: '2026-12-01T00:00:00.000Z' };
        await pins.put({ address: mailboxKey(c.address) as string, ...pinned, acceptedBy: 'admin' });
      }
      const assessment = await lookupKey(
        c.address,
        { network, dns, pins },
        { minRsaBits: 2048, allowLegacyAlgorithms: false, vksBaseUrl: VKS_BASE_URL },
      );
      results.set(label(c), { assessment, pins });
    }),
  );
}, 60_000);

function fingerprintOf(name: string): string {
  const fingerprint = fingerprints[name];
  if (fingerprint === undefined) throw new Error(`key-cases.json names a key the bed did not make: ${name}`);
  return fingerprint;
}

describe('key verdicts on the offline test bed', () => {
  test('key-cases.json: each case once, every key verdict and source of the vocabulary produced', () => {
    expect(new Set(cases.map(label)).size).toBe(cases.length);
    for (const c of cases) expect(c.about.length).toBeGreaterThan(10);
    const verdicts = new Set(cases.map((c) => c.expect.verdict));
    expect([...verdicts].sort()).toEqual(['changed', 'invalid', 'none', 'unknown', 'valid']);
    const sources = new Set(cases.map((c) => c.expect.source));
    for (const source of ['wkd', 'dns', 'vks', 'pinned']) expect(sources).toContain(source);
  });

  test.each(cases.map((c) => [label(c), c.expect.verdict, c.expect.source, c.about, c] as const))(
    '%s is %s from %s (%s)',
    (name, _verdict, _source, _about, c) => {
      const { assessment } = results.get(name)!;
      expect({
        address: name,
        verdict: assessment.verdict,
        source: assessment.source ?? null,
        fingerprint: assessment.fingerprint ?? null,
      }).toEqual({
        address: name,
        verdict: c.expect.verdict,
        source: c.expect.source,
        fingerprint: c.expect.key === null ? null : fingerprintOf(c.expect.key),
      });
      if (c.expect.reason !== undefined) {
        expect(assessment.reasons.join('\n')).toContain(c.expect.reason);
      }
    },
  );

  test('the first valid key seen for an address is pinned on first use', async () => {
    for (const c of cases.filter((x) => x.pin === undefined && x.expect.verdict === 'valid')) {
      const { assessment, pins } = results.get(label(c))!;
      expect([c.address, await pins.get(mailboxKey(c.address) as string)]).toEqual([
        c.address,
        expect.objectContaining({ fingerprint: assessment.fingerprint, acceptedBy: FIRST_USE }),
      ]);
    }
  });

  test('a valid answer carries the key to encrypt to: armored, with the user ID of this address only', async () => {
    for (const c of cases.filter((x) => x.expect.verdict === 'valid')) {
      const { assessment } = results.get(label(c))!;
      const [key, ...more] = await readKeyBlock(assessment.armoredKey ?? '');
      const emails = key!.users.map((user) => user.userID?.email.toLowerCase());
      expect({ address: c.address, more: more.length, emails }).toEqual({
        address: c.address,
        more: 0,
        emails: [c.address.toLowerCase()],
      });
    }
  });
});

/** GnuPG's lookup of every address, each in a fresh GNUPGHOME: address → fingerprints it imported. */
function gnupgLocate(method: string, addresses: string[]): Map<string, string[]> {
  const run = spawnSync(join(TESTBED_DIR, 'gpg-locate.sh'), ['--methods', `clear,${method}`, ...addresses], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, SENDGUARD_TESTBED_RUN: bed.runDir },
  });
  if (run.status !== 0) throw new Error(`gpg-locate.sh failed (${run.status}):\n${run.stderr}`);
  return new Map(
    run.stdout
      .trim()
      .split('\n')
      .map((line) => {
        const [address = '', , ...found] = line.trim().split(/\s+/);
        return [address, found];
      }),
  );
}

describe.each(['wkd', 'dane'])('GnuPG finds what we find (gpg --auto-key-locate clear,%s)', (method) => {
  const compared = cases.filter((c) => c.gnupg?.method === method && c.pin === undefined);
  let found: Map<string, string[]>;

  beforeAll(() => {
    found = gnupgLocate(
      method,
      compared.map((c) => c.address),
    );
  }, 130_000);

  test.each(compared.map((c) => [c.address, c.gnupg!.imports, c] as const))(
    '%s: GnuPG imports %s',
    (address, imports, c) => {
      const ours = results.get(label(c))!.assessment.fingerprint;
      const want = imports === 'same' ? [ours] : imports === 'nothing' ? [] : [fingerprintOf(imports)];
      expect({ address, gnupg: found.get(address) }).toEqual({ address, gnupg: want });
    },
  );
});
