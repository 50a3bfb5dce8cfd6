/**
 * What a mailbox-access check has learnt so far: filled in by check.ts as its steps finish, read by
 * build-report.ts when they do or when the deadline passes.
 */
import type { AccessProbeResult } from './access-probe';
import type { AutoconfigResult } from './autoconfig-fetch';
import { endpointKey, type Endpoint } from './endpoints';
import type { MxHost, Provider } from './providers';
import type { SrvDiscovery } from './srv';

/** What has been learnt so far; filled in as the steps finish, read when they do or when the deadline passes. */
export interface Progress {
  srv?: SrvDiscovery;
  autoconfig: Map<string, AutoconfigResult>;
  mx?: { hosts: MxHost[]; ttl: number } | { failure: string };
  provider?: { provider: Provider; mx: string };
  endpoints?: Endpoint[];
  droppedEndpoints: number;
  /** Per endpoint key: the addresses to probe, or why there are none. */
  addresses: Map<string, { addresses: string[] } | { error: string }>;
  probes: Map<string, AccessProbeResult>;
}

export function probeKey(endpoint: Endpoint, address: string): string {
  return `${endpointKey(endpoint)} ${address}`;
}
