import { readFileSync } from 'node:fs';
import { createDnsClient, parseServerSpec } from '../../src/server/dns';
import { TransportService } from '../../src/server/transport/service';
import type { Testbed } from './testbed';

/** The real transport checks, pointed at the offline bed: its resolver (trusted for DNSSEC), its CA, loopback allowed. */
export function bedTransportService(bed: Testbed, checkDeadlineMs = 6000): TransportService {
  return new TransportService({
    deps: {
      dns: createDnsClient({ servers: [parseServerSpec(bed.dns)], trustAd: true }),
      heloName: 'probe.sendguard.test',
      allowPrivateAddresses: true,
      ca: readFileSync(bed.caFile),
    },
    checkDeadlineMs,
  });
}
