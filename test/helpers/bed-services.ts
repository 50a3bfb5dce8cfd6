import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/server/config/load';
import type { Config, ConfigInput } from '../../src/server/config/schema';
import { createDnsClient, parseServerSpec } from '../../src/server/dns';
import type { Clock } from '../../src/core/clock';
import { MemoryStsCache } from '../../src/server/transport/mta-sts';
import { CachingTransportService } from '../../src/server/transport/service';
import type { Testbed } from './testbed';

/**
 * The real transport checks, pointed at the offline bed: its resolver (trusted for DNSSEC), its CA, loopback
 * allowed. `resolver` replaces the resolver (the bed's stalling one, say); `clock` is the service's clock.
 */
export function bedTransportService(
  bed: Testbed,
  checkDeadlineMs = 6000,
  { resolver = bed.dns, clock }: { resolver?: string; clock?: Clock } = {},
): CachingTransportService {
  return new CachingTransportService({
    deps: {
      dns: createDnsClient({ servers: [parseServerSpec(resolver)], trustAd: true }),
      heloName: 'probe.sendguard.test',
      allowPrivateAddresses: true,
      ca: readFileSync(bed.caFile),
      stsCache: new MemoryStsCache(),
    },
    checkDeadlineMs,
    ...(clock ? { clock } : {}),
  });
}

/** The VKS host the bed serves (test/testbed/https-routes.js). */
export const BED_VKS_URL = 'https://keys.sendguard.test';

/**
 * The service's configuration for a test against the bed: listening on an ephemeral loopback port, with the bed's
 * resolver, CA and key server, loopback addresses allowed; `settings` replace whole top-level sections.
 */
export function bedServerConfig(bed: Testbed, dataDir: string, settings: ConfigInput = {}): Config {
  return parseConfig(bedServerSettings(bed, dataDir, settings));
}

/** bedServerConfig's settings as given, before parsing: what a configuration file for `sendguard serve` holds. */
export function bedServerSettings(bed: Testbed, dataDir: string, settings: ConfigInput = {}): ConfigInput {
  return {
    listen: { host: '127.0.0.1', port: 0 },
    dataDir,
    dns: { servers: [bed.dns] },
    caFile: bed.caFile,
    allowPrivateAddresses: true,
    keys: { vksUrl: BED_VKS_URL },
    transport: { heloName: 'probe.sendguard.test' },
    logLevel: 'silent',
    ...settings,
  };
}

/**
 * bedServerSettings as deployed, for tests that reach the service over HTTP: API tokens required, plain HTTP on
 * loopback, warnings logged, and assess answering (partially if need be) within the send check's 3.5 s.
 */
export function deployedBedSettings(bed: Testbed, dataDir: string, settings: ConfigInput = {}): ConfigInput {
  return bedServerSettings(bed, dataDir, {
    auth: { apiTokens: true, devNoAuth: false },
    tls: { enabled: false },
    logLevel: 'warn',
    limits: { assessDeadlineMs: 3000 },
    ...settings,
  });
}
