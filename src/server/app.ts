/**
 * The backend as a Fastify instance, not yet listening: one plugin per area, everything it touches (store,
 * policy, checks, clock, key sources) passed in, so tests build a fresh app per case with fakes and the entry
 * point builds one with the real parts.
 */
import cors from '@fastify/cors';
import { randomBytes } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { systemClock, type Clock } from '../core/clock';
import type { Policy } from '../core/policy/schema';
import assess from './api/assess';
import adminPlugin from './admin/plugin';
import { escrowWithAdminPlugin, type EscrowPluginOptions } from './escrow/plugin';
import { NO_SIGN_IN } from './escrow/sign-in-directory';
import type { ApiContext } from './api/context';
import domains from './api/domains';
import { installErrorHandling, tooManyRequests } from './api/errors';
import { addSecurityHeaders } from './api/security-headers';
import health from './api/health';
import keys from './api/keys';
import keyring from './api/keyring';
import me from './api/me';
import metricsRoute from './api/metrics';
import openapi from './api/openapi';
import pins from './api/pins';
import policyRoutes from './api/policy';
import signIn from './api/sign-in';
import { ServedPolicy, type RunningPolicy } from './api/served-policy';
import tokens from './api/tokens';
import decisionRoutes from './decisions/routes';
import type { VerdictSigner } from './verdicts/signer';
import adminPolicy from './admin-policy/plugin';
import { newestSaved, policyInForce, policyInForceLog } from './admin-policy/running';
import { createEntraVerifier } from './auth/entra';
import type { JWTVerifyGetKey } from './auth/jose';
import { clientNetwork } from './auth/client-network';
import { refuseForeignHost } from './auth/loopback-host';
import authPlugin from './auth/plugin';
import type { Config } from './config/schema';
import { observeRequests } from './observability/http-metrics';
import { loggerOptions, type LogDestination } from './observability/logging';
import { createMetrics, type Metrics } from './observability/metrics';
import type { KeyInspector, KeyService, MailboxAccessService, TransportService } from './services';
import { sharedRateLimitStore } from './api/rate-limit-store';
import { intervalSchedule } from './schedule';
import { batchedRateCounters } from './store/batched-counters';
import type { ApiStore } from './store/store';

export interface AppDeps {
  /**
   * Its rate counters are what the API's rate limits count in (shared by the nodes on one database), and its
   * changes are other nodes', after which the served policy is worked out again.
   */
  store: ApiStore;
  /** The policy file's policy: the starting point, in force until an admin saves a version through the API. */
  policy: Policy;
  /** The policy file's text, shown to the admin while the file's policy is in force (else `policy` as YAML). */
  policyText?: string;
  /**
   * The policy in force at start, when the caller worked it out already to read settings of it once (the key
   * service's): by default the newest version saved through the API, else `policy`.
   */
  runningPolicy?: RunningPolicy;
  transport: TransportService;
  /** The mailbox access check (the last mile); without it, answers carry no mailbox access. */
  mailbox?: MailboxAccessService;
  keys: KeyService;
  keyInspector: KeyInspector;
  /** Shared with the services so that their cache counters land in the same `/metrics`. */
  metrics?: Metrics;
  /** Entra signing keys; by default fetched from `auth.entra.jwksUri`. */
  entraKeys?: JWTVerifyGetKey;
  /** Key and certificate to serve HTTPS with (`tlsMaterial`); plain HTTP without. */
  https?: { key: string; cert: string };
  /**
   * Secure pickup, when this app offers it: its store, and its mailer or blobs for tests. It runs on the app's
   * clock; its settings come from `config.escrow`.
   */
  escrow?: Omit<EscrowPluginOptions, 'config' | 'clock'>;
  /** Where log lines go; stdout by default. */
  logStream?: LogDestination;
  /** The API's clock (token and pin times, deadlines); the services built outside take the same one. */
  clock?: Clock;
  /**
   * The key decision records' pseudonyms are made with (`decisions/key.ts`: `<dataDir>/decision-key`, which the
   * service opens at start); without it, one of this app's own, for tests: pseudonyms then last as long as the app.
   */
  decisionKey?: Uint8Array;
  /** Signs the verdicts and policy handed out (verdicts/signer.ts); without it, nothing is signed. */
  verdictSigner?: VerdictSigner;
}

function callerKey(request: FastifyRequest): string {
  const caller = request.caller;
  return caller
    ? `caller:${caller.kind}:${caller.tenant ?? ''}:${caller.subject}`
    : `ip:${clientNetwork(request.ip)}`;
}

/** Per client network (IPv6 by /64); set apart from `callerKey`'s keys: both limits count in the same counters. */
function networkKey(request: FastifyRequest): string {
  return `network:${clientNetwork(request.ip)}`;
}

export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.https ? { https: deps.https } : {}),
    logger: loggerOptions(config.logLevel, deps.logStream),
    bodyLimit: config.limits.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // Strict input: no type coercion ("wrong types → 400") and unknown keys are errors, not silently dropped.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true } },
  });
  const metrics = deps.metrics ?? createMetrics();
  const versions = deps.store.policyVersions;
  const running =
    deps.runningPolicy ?? (await policyInForce(versions, { policy: deps.policy, text: deps.policyText }));
  const context: ApiContext = {
    config,
    store: deps.store,
    servedPolicy: await ServedPolicy.load(running, deps.store.keyring, config.escrow.maxMessageBytes, () =>
      newestSaved(versions),
    ),
    transport: deps.transport,
    ...(deps.mailbox ? { mailbox: deps.mailbox } : {}),
    keys: deps.keys,
    keyInspector: deps.keyInspector,
    signIn: deps.escrow?.signIn ?? NO_SIGN_IN,
    metrics,
    clock: deps.clock ?? systemClock,
    ...(deps.verdictSigner ? { verdictSigner: deps.verdictSigner } : {}),
  };

  app.log.info(
    policyInForceLog(running),
    running.source === 'file'
      ? 'the policy file is in force'
      : 'a policy version saved through the API is in force (it wins over the policy file)',
  );
  const stopFollowing = context.servedPolicy.follow(deps.store.changes, (err) =>
    app.log.error(
      { err },
      'the policy in force could not be worked out again after a policy or keyring change',
    ),
  );
  app.addHook('onClose', async () => stopFollowing());
  installErrorHandling(app);
  if (config.auth.devNoAuth) app.addHook('onRequest', refuseForeignHost(config.publicUrl));
  observeRequests(app, metrics);
  // X-Frame-Options cannot name Outlook's origins, which frame the add-in pane; CSP frame-ancestors (helmet's
  // default `'self'`, widened for the add-in's pages only) does the same job and can.
  addSecurityHeaders(app, { frameguard: false });
  await app.register(cors, { origin: config.cors.origins.length > 0 ? config.cors.origins : false });
  // Hundreds a minute: counted here and sent to the shared counters in batches, approximate across nodes.
  const apiCounters = batchedRateCounters(deps.store.rateCounters, {
    clock: context.clock,
    schedule: intervalSchedule,
    onError: (err) => app.log.warn({ err }, 'sending rate-limit counts to the shared counters failed'),
  });
  app.addHook('onClose', () => apiCounters.close());
  // Per client network (IPv6 by /64), before authentication: this is what slows down guessing tokens. A hook of
  // the whole app rather than the plugin's own per route, which would run after the authenticated scope's hook and
  // so never count a request it refuses.
  await app.register(rateLimit, {
    global: false,
    max: config.limits.rateLimit.perIp.max,
    timeWindow: config.limits.rateLimit.perIp.windowMs,
    store: sharedRateLimitStore(apiCounters, context.clock, 'api:'),
    keyGenerator: networkKey,
    errorResponseBuilder: (_request, context) => tooManyRequests(context.ttl),
  });
  const perNetwork = app.rateLimit();
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.rateLimit !== false) await perNetwork.call(app, request, reply);
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Sendguard API', version: '1' },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  await app.register(health);
  // One authenticated scope (no prefix of its own) for `/metrics` and the API; `/healthz` and the static areas
  // registered later stay outside it.
  await app.register(async (authenticated) => {
    await authenticated.register(authPlugin, {
      auth: config.auth,
      tokens: deps.store.tokens,
      ...(config.auth.entra
        ? { entra: createEntraVerifier(config.auth.entra, { keys: deps.entraKeys, clock: context.clock }) }
        : {}),
    });
    await authenticated.register(metricsRoute, { metrics, requireAdmin: config.metrics.requireAdmin });
    await authenticated.register(async (api) => apiRoutes(api, config, deps, context), { prefix: '/api/v1' });
  });
  return app;
}

/** The `/api/v1` routes, inside the authenticated scope: limits per caller, then each area's plugin. */
async function apiRoutes(
  api: FastifyInstance,
  config: Config,
  deps: AppDeps,
  context: ApiContext,
): Promise<void> {
  // Per caller, once the caller is known: one busy token cannot starve the others behind the same NAT.
  const perCaller = api.createRateLimit({
    max: config.limits.rateLimit.perCaller.max,
    timeWindow: config.limits.rateLimit.perCaller.windowMs,
    keyGenerator: callerKey,
  });
  api.addHook('preHandler', async (request) => {
    if (!request.caller) return;
    const limit = await perCaller(request);
    if (limit.isAllowed || !limit.isExceeded) return;
    throw tooManyRequests(limit.ttl);
  });
  await api.register(openapi);
  await api.register(signIn, context);
  await api.register(me);
  await api.register(policyRoutes, context);
  await api.register(assess, context);
  await api.register(domains, context);
  await api.register(keys, context);
  await api.register(pins, context);
  await api.register(keyring, context);
  await api.register(tokens, context);
  await api.register(decisionRoutes, { ...context, decisionKey: deps.decisionKey ?? randomBytes(32) });
  await api.register(adminPolicy, context);
  await api.register(adminPlugin, context);
  if (deps.escrow) {
    // Escrow's routes under /escrow, and the admin's on its messages under /admin/messages.
    await api.register(escrowWithAdminPlugin, {
      config: {
        ...config.escrow,
        publicUrl: config.publicUrl,
        dataDir: config.dataDir,
        purgeIntervalMs: config.purgeIntervalMs,
      },
      ...deps.escrow,
      clock: context.clock,
    });
  }
}
