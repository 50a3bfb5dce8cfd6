/**
 * The running service: configuration → store → policy → the real transport and key services → the app, plus the
 * browser side, listening. `sendguard serve` and `npm start` call this; tests call `createServer` and listen on
 * an ephemeral port.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import type { Config } from './config/schema';
import { loadPolicyFile } from './config/policy-file';
import { tlsMaterial } from './config/tls';
import { addressResolver, dnsClientFor } from './dns';
import { CachingKeyService, DirectoryKeyring } from './keys';
import { keyInspector, keyringInStore, keyrings, pinsInStore } from './keys/store-backed';
import type { LogDestination } from './observability/logging';
import { createMetrics, type Metrics } from './observability/metrics';
import type { TransportService as TransportApi } from './services';
import { withMemoryFront } from './store/memory-front';
import { openSqliteStore } from './store/sqlite';
import type { Store } from './store/store';
import { TransportService } from './transport/service';
import outlookDeployment from './web/outlook-deployment';
import staticAreas from './web/static-areas';

export interface Server {
  app: FastifyInstance;
  /** Set when the development certificate is in use: the CA a browser must trust. */
  devCaFile?: string;
  close(): Promise<void>;
}

/** The check services, counting transport cache hits into the shared metrics. */
function services(
  config: Config,
  store: Store,
  metrics: Metrics,
  ca: Buffer | undefined,
  policy: { keys: { minRsaBits: number; allowLegacyAlgorithms: boolean } },
) {
  const dns = dnsClientFor(config.dns.servers);
  const network = { allowPrivateAddresses: config.allowPrivateAddresses, ...(ca ? { ca } : {}) };
  const transport = new TransportService({
    deps: { dns, heloName: config.transport.heloName ?? hostname(), ...network },
    checkDeadlineMs: config.limits.lookupDeadlineMs,
    maxConcurrentProbes: config.transport.maxConcurrentProbes,
  });
  const orgKeyring = keyringInStore(store.keyring);
  const keys = new CachingKeyService(
    {
      network: { resolveAddresses: addressResolver(dns), ...network },
      dns,
      pins: pinsInStore(store.pins),
      orgKeyring: config.keys.keyringDir
        ? keyrings(orgKeyring, new DirectoryKeyring(config.keys.keyringDir))
        : orgKeyring,
    },
    { ...policy.keys, vksBaseUrl: config.keys.vksUrl, cache: store.keyVerdicts },
  );
  // The API counts outcomes; only the service knows whether an answer came from its cache.
  const transportApi: TransportApi = {
    assess(domain) {
      metrics.cacheLookups.inc({ check: 'transport', result: transport.cached(domain) ? 'hit' : 'miss' });
      return transport.assess(domain);
    },
  };
  return { transport: transportApi, keys };
}

export async function createServer(
  config: Config,
  options: { logStream?: LogDestination } = {},
): Promise<Server> {
  const stored = openSqliteStore(config.dataDir);
  const store: Store = { ...stored, keyVerdicts: withMemoryFront(stored.keyVerdicts) };
  try {
    const policy = await loadPolicyFile(config);
    const metrics = createMetrics();
    const ca = config.caFile ? await readFile(config.caFile) : undefined;
    const tls = await tlsMaterial(config);
    const app = await buildApp(config, {
      store,
      policy,
      ...services(config, store, metrics, ca, policy),
      keyInspector,
      metrics,
      escrow: { store: stored.escrow },
      ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
      ...(options.logStream ? { logStream: options.logStream } : {}),
    });
    await app.register(outlookDeployment, { publicUrl: config.publicUrl, sendMode: config.sendMode });
    await app.register(staticAreas, { publicUrl: config.publicUrl });
    return {
      app,
      ...(tls?.devCaFile ? { devCaFile: tls.devCaFile } : {}),
      close: async () => {
        await app.close();
        await store.close();
      },
    };
  } catch (error) {
    await stored.close();
    throw error;
  }
}
