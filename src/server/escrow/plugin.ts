/**
 * The escrow area as one Fastify plugin. Register it inside the authenticated `/api/v1` scope with prefix
 * `/escrow`: sender routes use `request.caller`; recipient and sender-link routes are `public` and carry their
 * own proofs. Its settings arrive parsed with the service's configuration; its state (messages, blobs, rate
 * counters) is the escrow part of the service's store, which the service closes. Mail, key, clock and timer can be
 * injected, with defaults from `config.escrow.serverKeyFile` and `config.smtp`.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { systemClock, type Clock } from '../../core/clock';
import { adminMessageRoutes } from '../admin/messages';
import type { ServiceStore } from '../store/store';
import type { BlobStore } from './blobs';
import type { EscrowConfig, EscrowContext } from './context';
import { applyApiHeaders } from './headers';
import { smtpMailer, type Mailer } from './mailer';
import { pickupRoutes } from './pickup-routes';
import { intervalSchedule, runPeriodically, type Schedule } from '../schedule';
import { purgeOnce } from './purge';
import { RateWindow } from './rate-window';
import { replyRoutes } from './reply-routes';
import { senderLinkRoutes } from './sender-link-routes';
import { senderRoutes } from './sender-routes';
import { openServerKey, type ServerKey } from './server-key';
import { NO_SIGN_IN, type SignInDirectory } from './sign-in-directory';
import { signInRoutes } from './sign-in/routes';

const HOUR = 3_600_000;

/** What secure pickup keeps in the service's store: messages, ciphertext, rate counters, its key's check value. */
export type EscrowServiceStore = Pick<
  ServiceStore,
  'escrow' | 'escrowBlobs' | 'rateCounters' | 'settings' | 'exclusive'
>;

/** The purge's name among the periodic work that runs on one node at a time. */
export const ESCROW_PURGE = 'escrow-purge';

export interface EscrowPluginOptions {
  config: EscrowConfig;
  /** The parts of the service's store secure pickup keeps its state in (serve.ts opens it). */
  store: EscrowServiceStore;
  /** Default: the store's `escrowBlobs`. */
  blobs?: BlobStore;
  /** Default: nodemailer to `config.smtp`. */
  mailer?: Mailer;
  /**
   * Default: read from `config.serverKeyFile`, created on the very first start, and checked against the key the
   * store's other nodes use.
   */
  serverKey?: ServerKey;
  /** Who vouches for recipients' addresses by sign-in; default `NO_SIGN_IN` (no `sign-in` recipients). */
  signIn?: SignInDirectory;
  /** Default: `systemClock`. */
  clock?: Clock;
  random?: (size: number) => Buffer;
  /** Runs the purge; default `setInterval` (unref'd). Tests pass one they can trigger. */
  schedule?: Schedule;
}

/** What every escrow route shares, built once from the options. */
async function escrowContext(app: FastifyInstance, options: EscrowPluginOptions): Promise<EscrowContext> {
  const { config, store } = options;
  return {
    config,
    store: store.escrow,
    blobs: options.blobs ?? store.escrowBlobs,
    mailer: options.mailer ?? smtpMailer(config.smtp),
    serverKey: options.serverKey ?? (await openServerKey(config.serverKeyFile, store)),
    signIn: options.signIn ?? NO_SIGN_IN,
    clock: options.clock ?? systemClock,
    random: options.random ?? randomBytes,
    perIp: new RateWindow(store.rateCounters, { prefix: 'escrow-ip:', ...config.perIp }),
    codeRequests: new RateWindow(store.rateCounters, {
      prefix: 'escrow-code:',
      max: config.codesPerRecipientPerHour,
      windowMs: HOUR,
    }),
    log: app.log,
  };
}

/** Escrow's routes and its purge, on `ctx`. */
async function escrowArea(app: FastifyInstance, ctx: EscrowContext, options: EscrowPluginOptions) {
  const { config, store } = options;
  applyApiHeaders(app);
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: config.maxPartBytes },
    (_request, body, done) => done(null, body),
  );
  await senderRoutes(app, ctx);
  await pickupRoutes(app, ctx);
  await replyRoutes(app, ctx);
  await senderLinkRoutes(app, ctx);
  // Recipients sign in only where the directory can run the flow (the service's; tests may pass a plain one).
  if (ctx.signIn.flow) await signInRoutes(app, ctx, ctx.signIn.flow);

  const stopPurging = runPeriodically(
    options.schedule ?? intervalSchedule,
    config.purgeIntervalMs,
    // Every node runs the timer; one at a time purges, so no two shred the same message at once.
    () => store.exclusive.run(ESCROW_PURGE, () => purgeOnce(ctx)),
    (err) => app.log.error({ err }, 'escrow purge failed'),
  );
  app.addHook('onClose', async () => stopPurging());
}

/** Secure pickup alone, registered with the prefix `/escrow` inside the authenticated `/api/v1` scope. */
const escrowPlugin: FastifyPluginAsync<EscrowPluginOptions> = async (app, options) =>
  escrowArea(app, await escrowContext(app, options), options);

/**
 * Secure pickup and the admin's routes on its messages, on one context: registered without a prefix inside the
 * authenticated `/api/v1` scope, it puts escrow's routes under `/escrow` and the admin's under `/admin/messages`.
 */
export const escrowWithAdminPlugin: FastifyPluginAsync<EscrowPluginOptions> = async (app, options) => {
  const ctx = await escrowContext(app, options);
  await app.register((escrow) => escrowArea(escrow, ctx, options), { prefix: '/escrow' });
  await app.register(async (admin) => {
    applyApiHeaders(admin);
    adminMessageRoutes(admin, ctx);
  });
};

export default escrowPlugin;
export { PORTAL_CSP, PORTAL_HEADERS, API_HEADERS } from './headers';
