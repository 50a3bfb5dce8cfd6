/**
 * Probe amplification: a domain naming ten MX hosts with hundreds of addresses each must cost at most
 * PROBE_LIMITS.perDomain connections, and its report must say how many addresses went unprobed. A fake probe counts
 * the connections the real one would open.
 */
import { checkDomain } from '../../../src/server/transport/check-domain';
import { MemoryStsCache } from '../../../src/server/transport/mta-sts';
import { MAX_MX_HOSTS } from '../../../src/server/transport/mx';
import { PROBE_LIMITS } from '../../../src/server/transport/probe-budget';
import type { SmtpProbeResult, SmtpProbeTarget } from '../../../src/server/transport/smtp-probe';
import { fakeDns, type FakeZone } from '../../helpers/fake-dns';

const ADDRESSES_PER_FAMILY = 300;

function hostileZone(): FakeZone {
  const zone: FakeZone = {
    'hostile.example': {
      MX: Array.from({ length: MAX_MX_HOSTS }, (_, i) => ({
        preference: i,
        exchange: `mx${i}.hostile.example`,
      })),
    },
  };
  for (let host = 0; host < MAX_MX_HOSTS; host++) {
    zone[`mx${host}.hostile.example`] = {
      A: Array.from(
        { length: ADDRESSES_PER_FAMILY },
        (_, i) => `10.${host}.${Math.floor(i / 256)}.${i % 256}`,
      ),
      AAAA: Array.from({ length: ADDRESSES_PER_FAMILY }, (_, i) => `2001:db8:${host}::${i.toString(16)}`),
    };
  }
  return zone;
}

test(`a domain of ${MAX_MX_HOSTS} MX hosts with ${2 * ADDRESSES_PER_FAMILY} addresses each is probed ${PROBE_LIMITS.perDomain} times`, async () => {
  const probed: SmtpProbeTarget[] = [];
  const probe = async (target: SmtpProbeTarget): Promise<SmtpProbeResult> => {
    probed.push(target);
    return {
      evidence: {
        ...target,
        port: 25,
        outcome: 'no-starttls',
        extensions: [],
        starttls: false,
        legacyRetry: false,
        timings: {},
      },
      chain: () => [],
    };
  };
  const report = await checkDomain(
    'hostile.example',
    {
      dns: fakeDns(hostileZone()).client,
      heloName: 'checker.example',
      allowPrivateAddresses: false,
      stsCache: new MemoryStsCache(),
      schedule: (task) => task(),
      probe,
    },
    { deadlineMs: 10_000 },
  );
  expect(probed).toHaveLength(PROBE_LIMITS.perDomain);
  expect(new Set(probed.map((target) => target.address)).size).toBe(PROBE_LIMITS.perDomain);
  expect(report.mx.map((host) => host.addresses.length)).toEqual(Array(MAX_MX_HOSTS).fill(2));
  expect(report.mx.map((host) => host.unprobedAddresses)).toEqual(
    Array(MAX_MX_HOSTS).fill(2 * ADDRESSES_PER_FAMILY - 2),
  );
  expect(report.reasons).toContain(
    'mx0.hostile.example has 600 addresses: 598 not probed, 2 probed ' +
      '(at most 10 per MX host and 20 per domain are)',
  );
  expect(report.verdict).toBe('none');
});
