/**
 * One hostile domain must not slow another sender's check: its probes queue for their own share of the service's
 * probe pool. A fake probe stands in for MX hosts that accept and never answer (a tarpit), so the hostile check
 * holds its probes until the test releases them; the other domain's check must finish meanwhile.
 */
import { PROBE_LIMITS } from '../../../src/server/transport/probe-budget';
import { MemoryStsCache } from '../../../src/server/transport/mta-sts';
import { CachingTransportService, PROBES_AT_ONCE_PER_CHECK } from '../../../src/server/transport/service';
import type { SmtpProbeResult, SmtpProbeTarget } from '../../../src/server/transport/smtp-probe';
import { fakeDns, type FakeZone } from '../../helpers/fake-dns';

const zone: FakeZone = {
  'hostile.example': {
    MX: Array.from({ length: 10 }, (_, i) => ({ preference: i, exchange: `mx${i}.hostile.example` })),
  },
  'benign.example': { MX: [{ preference: 10, exchange: 'mx.benign.example' }] },
  'mx.benign.example': { A: ['192.0.2.1'] },
};
for (let host = 0; host < 10; host++) {
  zone[`mx${host}.hostile.example`] = {
    A: Array.from({ length: 100 }, (_, i) => `198.51.100.${i}`),
    AAAA: Array.from({ length: 100 }, (_, i) => `2001:db8:${host}::${i.toString(16)}`),
  };
}

function answered(target: SmtpProbeTarget): SmtpProbeResult {
  const evidence = { ...target, port: 25, extensions: [], starttls: false, legacyRetry: false, timings: {} };
  return { evidence: { ...evidence, outcome: 'no-starttls' }, chain: () => [] };
}

test('a domain whose 20 probed addresses all stall leaves room in the pool for another check', async () => {
  const stalled: Array<() => void> = [];
  let running = 0;
  let mostRunning = 0;
  let shareTaken: () => void;
  const shareFull = new Promise<void>((resolve) => (shareTaken = resolve));
  const probe = async (target: SmtpProbeTarget): Promise<SmtpProbeResult> => {
    if (!target.mxHostname.endsWith('hostile.example')) return answered(target);
    mostRunning = Math.max(mostRunning, ++running);
    if (running === PROBES_AT_ONCE_PER_CHECK) shareTaken();
    await new Promise<void>((resolve) => stalled.push(resolve));
    running--;
    return answered(target);
  };
  const service = new CachingTransportService({
    deps: {
      dns: fakeDns(zone).client,
      heloName: 'checker.example',
      allowPrivateAddresses: false,
      stsCache: new MemoryStsCache(),
      probe,
    },
    checkDeadlineMs: 60_000,
    // Less than the hostile domain's 20 probes: without a share per check it would take the whole pool.
    maxConcurrentProbes: 12,
  });

  const hostile = service.report('hostile.example');
  let hostileDone = false;
  void hostile.then(() => (hostileDone = true));
  await shareFull;

  const benign = await service.report('benign.example');
  expect(benign.verdict).toBe('none');
  expect(hostileDone).toBe(false);

  // Released in turns, the stalled probes drain the hostile check's queue, never more than its share at once.
  while (!hostileDone) {
    stalled.splice(0).forEach((release) => release());
    await new Promise(setImmediate);
  }
  expect(mostRunning).toBe(PROBES_AT_ONCE_PER_CHECK);
  expect((await hostile).mx.flatMap((host) => host.addresses)).toHaveLength(PROBE_LIMITS.perDomain);
});
