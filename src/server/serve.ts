/**
 * The running service: configuration → store → policy → the real transport and key services → the app, plus the
 * browser side, listening. `sendguard serve` and `npm start` call this; tests call `createServer` and listen on
 * an ephemeral port. The store is SQLite in the data directory, or PostgreSQL shared with other nodes: what this
 * node keeps in memory in front of it (key verdicts, transport reports, the served policy) is dropped when another
 * node changes it.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { systemClock, type Clock } from '../core/clock';
import type { Policy } from '../core/policy/schema';
import { KeyAssessment } from '../core/wire';
import { buildApp } from './app';
import type { Config } from './config/schema';
import { readPolicyFile } from './config/policy-file';
import { policyInForce } from './admin-policy/running';
import { tlsMaterial } from './config/tls';
import { addressResolver, dnsClientFor } from './dns';
import { CachingKeyService, DirectoryKeyring } from './keys';
import { CachingMailboxService } from './mailbox';
import { keyInspector, keyringInStore, keyrings } from './keys/store-backed';
import type { LogDestination } from './observability/logging';
import { createMetrics, type Metrics } from './observability/metrics';
import { intervalSchedule, type Schedule } from './schedule';
import { withMemoryFront } from './store/memory-front';
import { storedReportCache } from './store/report-cache';
import { withTokenFront } from './store/token-front';
import { openServiceStore } from './store/open';
import { purgeExpiredPeriodically } from './store/purge-expired';
import { DAY_MS } from './store/decision-store';
import { openDecisionKey } from './decisions/key';
import { sealedCache, sealKeys } from './store/sealed-cache';
import type { ServiceStore, VerdictCache } from './store/store';
import { storedStsCache } from './transport/mta-sts';
import { CachingTransportService } from './transport/service';
import { createSignInDirectory } from './escrow/sign-in/from-config';
import { domainOf } from './escrow/sign-in/domain-of';
import outlookDeployment from './web/outlook-deployment';
import { verdictKeyFrom } from './verdicts/key';
import { verdictSigner } from './verdicts/signer';
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

/** The store as the service uses it: key verdicts read and written through their seal. */
type FrontedStore = ServiceStore & { keyVerdicts: VerdictCache<KeyAssessment> };

/**
 * The check services (transport, mailbox access, keys, sign-in), on one clock, counting transport cache hits into
 * the shared metrics.
 */
function services(
  config: Config,
  store: FrontedStore,
  metrics: Metrics,
  {
    ca,
    policy,
    clock,
    onSignInLookupError,
    onCacheWriteError,
    onRecordError,
  }: {
    ca: Buffer | undefined;
    policy: Policy;
    clock: Clock;
    onSignInLookupError: (error: unknown, domain: string) => void;
    onCacheWriteError: (error: unknown, key: string) => void;
    /** A verdict change or a changed key the admin's console lists could not be recorded. */
    onRecordError: (error: unknown, key: string) => void;
  },
) {
  const dns = dnsClientFor(config.dns.servers);
  const network = { allowPrivateAddresses: config.allowPrivateAddresses, ...(ca ? { ca } : {}) };
  const heloName = config.transport.heloName ?? hostname();
  const transport = new CachingTransportService({
    deps: {
      dns,
      heloName,
      stsCache: storedStsCache(store.stsPolicies),
      ...network,
    },
    checkDeadlineMs: config.limits.lookupDeadlineMs,
    maxConcurrentProbes: config.transport.maxConcurrentProbes,
    cache: storedReportCache(store.transportReports),
    clock,
    // The API counts outcomes; only the service knows whether an answer came from its cache.
    onCacheLookup: (result) => metrics.cacheLookups.inc({ check: 'transport', result }),
    onCacheWriteError,
    verdictChanges: store.verdictChanges,
    onVerdictChangeError: onRecordError,
  });
  // How recipient domains' users reach their mail, probed like the MX: on the same network settings, deadline and
  // HELO name, in a pool of its own as large as the transport's.
  const mailbox = new CachingMailboxService({
    deps: { dns, heloName, ...network },
    checkDeadlineMs: config.limits.lookupDeadlineMs,
    maxConcurrentProbes: config.transport.maxConcurrentProbes,
    cache: storedReportCache(store.mailboxReports),
    clock,
    onCacheWriteError,
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
    {
      ...policy.keys,
      vksBaseUrl: config.keys.vksUrl,
      cache: store.keyVerdicts,
      onCacheWriteError,
      changedKeys: store.changedKeys,
      onChangedKeyError: onRecordError,
    },
  );
  const signIn = createSignInDirectory(config, { dns, network, clock, onLookupError: onSignInLookupError });
  return { transport, mailbox, keys, signIn };
}

/**
 * The store with the caches the send path reads for every recipient, and the API tokens every request looks up,
 * held in memory too, each entry dropped when another node changes or deletes it. Closing it stops listening, then closes the store.
 * Key verdicts are sealed above their memory front (`store/sealed-cache.ts`, subkeys of the pseudonym key): the
 * front and the change feed carry entries' names, not addresses. Nodes with the same pseudonym key name an address
 * alike and drop each other's entries; a node with another key never finds theirs (nor they its), and looks up.
 */
function withMemoryFronts(store: ServiceStore, pseudonymKey: Uint8Array): FrontedStore {
  const { changes } = store;
  const keyVerdictsFront = withMemoryFront(store.keyVerdicts, { changes, cache: 'keyVerdicts' });
  const keyVerdicts = sealedCache(keyVerdictsFront, sealKeys(pseudonymKey, 'key-verdicts'), KeyAssessment);
  const transportReports = withMemoryFront(store.transportReports, { changes, cache: 'transportReports' });
  const mailboxReports = withMemoryFront(store.mailboxReports, { changes, cache: 'mailboxReports' });
  // SQLite's feed asks the file whether the CLI wrote it (a revocation, from another process) before each lookup.
  const tokens = withTokenFront(store.tokens, changes);
  return {
    ...store,
    keyVerdicts,
    transportReports,
    mailboxReports,
    tokens,
    close: async () => {
      keyVerdictsFront.stopListening();
      transportReports.stopListening();
      mailboxReports.stopListening();
      tokens.stopListening();
      await store.close();
    },
  };
}

/**
 * What is logged of a record the admin's console lists that could not be kept: its key is a domain (a verdict
 * change) or, for a changed key, a mailbox; only the domain is logged, never an address.
 */
export function recordErrorFields(err: unknown, key: string): { err: unknown; domain: string } {
  return { err, domain: domainOf(key) };
}

export async function createServer(config: Config, options: ServerOptions = {}): Promise<Server> {
  const clock = options.clock ?? systemClock;
  // The store and the checks are opened before the app whose log tells of a database connection lost between
  // statements, why a domain's provider could not be found, or why a finished check could not be kept.
  const late: { log?: FastifyBaseLogger } = {};
  const stored = await openServiceStore(config, clock, (err, what) => late.log?.warn({ err }, what));
  // Before anything is served: a node whose pseudonym key is not its database's refuses to start, since it would
  // keep key verdicts the other nodes' pin and keyring changes never drop.
  const decisionKey = await openDecisionKey(config.dataDir, stored.settings).catch(async (error: unknown) => {
    await stored.close();
    throw error;
  });
  const store = withMemoryFronts(stored, decisionKey);
  try {
    // The deployment a service names in what it signs: its public URL, which the configuration gives without a
    // trailing slash.
    const signer = verdictSigner({ key: verdictKeyFrom(decisionKey), deployment: config.publicUrl, clock });
    // The newest version saved through the API wins over the file. The key service reads its settings of it here,
    // once: a version saved later changes them at the next start.
    const file = await readPolicyFile(config);
    const running = await policyInForce(store.policyVersions, file);
    const { policy } = running;
    const metrics = createMetrics();
    const ca = config.caFile ? await readFile(config.caFile) : undefined;
    const tls = await tlsMaterial(config, { clock });
    const onSignInLookupError = (err: unknown, domain: string) =>
      late.log?.warn({ err, domain }, 'the sign-in provider of a domain could not be found');
    const onCacheWriteError = (err: unknown, key: string) =>
      late.log?.error({ err, key }, 'a finished check was answered but could not be cached');
    const { signIn, ...checks } = services(config, store, metrics, {
      ca,
      policy,
      clock,
      onSignInLookupError,
      onCacheWriteError,
      onRecordError: (err, key) =>
        late.log?.error(
          recordErrorFields(err, key),
          'a check was answered but what the admin console lists could not be recorded',
        ),
    });
    const app = await buildApp(config, {
      store,
      policy: file.policy,
      policyText: file.text,
      runningPolicy: running,
      ...checks,
      keyInspector,
      decisionKey,
      verdictSigner: signer,
      metrics,
      clock,
      escrow: { store, signIn, ...(options.schedule ? { schedule: options.schedule } : {}) },
      ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
      ...(options.logStream ? { logStream: options.logStream } : {}),
    });
    late.log = app.log;
    await app.register(outlookDeployment, {
      publicUrl: config.publicUrl,
      sendMode: config.sendMode,
      ...(config.auth.entra ? { signIn: manifestSignIn(config.auth.entra) } : {}),
      publisher: config.publisher,
      verdicts: signer.trust,
    });
    await app.register(staticAreas, {
      publicUrl: config.publicUrl,
      ...(config.auth.entra ? { entraIssuer: config.auth.entra.issuer } : {}),
      simulatedSignIn: config.tryIt.simulatedSignIn,
    });
    const stopPurging = purgeExpiredPeriodically(store, {
      clock,
      schedule: options.schedule ?? intervalSchedule,
      everyMs: config.purgeIntervalMs,
      decisionsRetentionMs: config.decisions.retentionDays * DAY_MS,
      onError: (err) => app.log.error({ err }, 'purging expired cache entries and rate counters failed'),
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
    await store.close();
    throw error;
  }
}
