/**
 * The running service: configuration → store → policy → the real transport and key services → the app, plus the
 * browser side, listening. `sendguard serve` and `npm start` call this; tests call `createServer` and listen on
 * an ephemeral port.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { systemClock, type Clock } from '../core/clock';
import type { Policy } from '../core/policy/schema';
import { buildApp } from './app';
import type { Config } from './config/schema';
import { loadPolicyFile } from './config/policy-file';
import { tlsMaterial } from './config/tls';
import { addressResolver, dnsClientFor } from './dns';
import { CachingKeyService, DirectoryKeyring } from './keys';
import { keyInspector, keyringInStore, keyrings } from './keys/store-backed';
import type { LogDestination } from './observability/logging';
import { createMetrics, type Metrics } from './observability/metrics';
import { intervalSchedule, type Schedule } from './schedule';
import type { TransportService } from './services';
import { withMemoryFront } from './store/memory-front';
import { purgeExpiredPeriodically } from './store/purge-expired';
import { openSqliteStore } from './store/sqlite';
import type { Store } from './store/store';
import { MemoryStsCache } from './transport/mta-sts';
import { CachingTransportService } from './transport/service';
import { createSignInDirectory } from './escrow/sign-in/from-config';
import outlookDeployment from './web/outlook-deployment';
import { manifestSignIn } from './web/manifests';
import staticAreas from './web/static-areas';

export interface Server {
  app: FastifyInstance;
  /** Set when the development certificate is in use: the CA a browser must trust. */
  devCaFile?: string;
  close(): Promise<void>;
}

interface ServerOptions {
  logStream?: LogDestination;
  /** The one clock of the service and every part of it; `systemClock` by default. */
  clock?: Clock;
  /** The timer of the periodic purges; `intervalSchedule` (unref'd) by default. */
  schedule?: Schedule;
}

/** The check services, on one clock, counting transport cache hits into the shared metrics. */
function services(
  config: Config,
  store: Store,
  metrics: Metrics,
  {
    ca,
    policy,
    clock,
    onSignInLookupError,
  }: {
    ca: Buffer | undefined;
    policy: Policy;
    clock: Clock;
    onSignInLookupError: (error: unknown, domain: string) => void;
  },
) {
  const dns = dnsClientFor(config.dns.servers);
  const network = { allowPrivateAddresses: config.allowPrivateAddresses, ...(ca ? { ca } : {}) };
  const transport = new CachingTransportService({
    deps: {
      dns,
      heloName: config.transport.heloName ?? hostname(),
      stsCache: new MemoryStsCache(),
      ...network,
    },
    checkDeadlineMs: config.limits.lookupDeadlineMs,
    maxConcurrentProbes: config.transport.maxConcurrentProbes,
    clock,
  });
  const orgKeyring = keyringInStore(store.keyring);
  const keys = new CachingKeyService(
    {
      network: { resolveAddresses: addressResolver(dns), ...network },
      dns,
      pins: store.pins,
      orgKeyring: config.keys.keyringDir
        ? keyrings(orgKeyring, new DirectoryKeyring(config.keys.keyringDir, { clock }))
        : orgKeyring,
      clock,
    },
    { ...policy.keys, vksBaseUrl: config.keys.vksUrl, cache: store.keyVerdicts },
  );
  // The API counts outcomes; only the service knows whether an answer came from its cache.
  const countedTransport: TransportService = {
    assess(domain, opts) {
      metrics.cacheLookups.inc({ check: 'transport', result: transport.cached(domain) ? 'hit' : 'miss' });
      return transport.assess(domain, opts);
    },
  };
  const signIn = createSignInDirectory(config, { dns, network, clock, onLookupError: onSignInLookupError });
  return { transport: countedTransport, keys, signIn };
}

export async function createServer(config: Config, options: ServerOptions = {}): Promise<Server> {
  const clock = options.clock ?? systemClock;
  const stored = openSqliteStore(config.dataDir, clock);
  const store: Store = { ...stored, keyVerdicts: withMemoryFront(stored.keyVerdicts) };
  try {
    const policy = await loadPolicyFile(config);
    const metrics = createMetrics();
    const ca = config.caFile ? await readFile(config.caFile) : undefined;
    const tls = await tlsMaterial(config, { clock });
    // The sign-in directory is built before the app whose log tells why a domain's provider could not be found.
    const late: { log?: FastifyBaseLogger } = {};
    const onSignInLookupError = (err: unknown, domain: string) =>
      late.log?.warn({ err, domain }, 'the sign-in provider of a domain could not be found');
    const { signIn, ...checks } = services(config, store, metrics, {
      ca,
      policy,
      clock,
      onSignInLookupError,
    });
    const app = await buildApp(config, {
      store,
      policy,
      ...checks,
      keyInspector,
      metrics,
      clock,
      escrow: { store: stored.escrow, signIn, ...(options.schedule ? { schedule: options.schedule } : {}) },
      ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
      ...(options.logStream ? { logStream: options.logStream } : {}),
    });
    late.log = app.log;
    await app.register(outlookDeployment, {
      publicUrl: config.publicUrl,
      sendMode: config.sendMode,
      ...(config.auth.entra ? { signIn: manifestSignIn(config.auth.entra) } : {}),
      publisher: config.publisher,
    });
    await app.register(staticAreas, {
      publicUrl: config.publicUrl,
      ...(config.auth.entra ? { entraIssuer: config.auth.entra.issuer } : {}),
      simulatedSignIn: config.tryIt.simulatedSignIn,
    });
    const stopPurging = purgeExpiredPeriodically(store.keyVerdicts, {
      clock,
      schedule: options.schedule ?? intervalSchedule,
      everyMs: config.purgeIntervalMs,
      onError: (err) => app.log.error({ err }, 'purging expired key verdicts failed'),
    });
    app.addHook('onClose', async () => stopPurging());
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
