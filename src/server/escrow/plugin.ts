/**
 * The escrow area as one Fastify plugin. Register it inside the authenticated `/api/v1` scope with prefix
 * `/escrow`: sender routes use `request.caller`; recipient and sender-link routes are `public` and carry their
 * own proofs. Its settings arrive parsed with the service's configuration; its store is the escrow part of the
 * service's store (one database, one connection), which the service closes. Every other outside part (blobs,
 * mail, key, clock, timer) can be injected, with defaults from `config.dataDir` and `config.smtp`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { systemClock, type Clock } from '../../core/clock';
import { fileBlobStore, type BlobStore } from './blobs';
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
import { loadServerKey, SERVER_KEY_FILE, type ServerKey } from './server-key';
import { NO_SIGN_IN, type SignInDirectory } from './sign-in-directory';
import { signInRoutes } from './sign-in/routes';
import type { EscrowStore } from './store';

const HOUR = 3_600_000;

export interface EscrowPluginOptions {
  config: EscrowConfig;
  /** The escrow part of the service's store (`SqliteStore.escrow`; serve.ts opens it on `config.dataDir`). */
  store: EscrowStore;
  /** Default: `<dataDir>/escrow-blobs/`. */
  blobs?: BlobStore;
  /** Default: nodemailer to `config.smtp`. */
  mailer?: Mailer;
  /** Default: `<dataDir>/escrow-server.key`, created on first start. */
  serverKey?: ServerKey;
  /** Who vouches for recipients' addresses by sign-in; default `NO_SIGN_IN` (no `sign-in` recipients). */
  signIn?: SignInDirectory;
  /** Default: `systemClock`. */
  clock?: Clock;
  random?: (size: number) => Buffer;
  /** Runs the purge; default `setInterval` (unref'd). Tests pass one they can trigger. */
  schedule?: Schedule;
}

const escrowPlugin: FastifyPluginAsync<EscrowPluginOptions> = async (app, options) => {
  const { config } = options;
  const ctx: EscrowContext = {
    config,
    store: options.store,
    blobs: options.blobs ?? fileBlobStore(join(config.dataDir, 'escrow-blobs')),
    mailer: options.mailer ?? smtpMailer(config.smtp),
    serverKey: options.serverKey ?? loadServerKey(join(config.dataDir, SERVER_KEY_FILE)),
    signIn: options.signIn ?? NO_SIGN_IN,
    clock: options.clock ?? systemClock,
    random: options.random ?? randomBytes,
    perIp: new RateWindow(config.perIp.max, config.perIp.windowMs),
    codeRequests: new RateWindow(config.codesPerRecipientPerHour, HOUR),
    log: app.log,
  };

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
    () => purgeOnce(ctx),
    (err) => app.log.error({ err }, 'escrow purge failed'),
  );
  app.addHook('onClose', async () => stopPurging());
};

export default escrowPlugin;
export { PORTAL_CSP, PORTAL_HEADERS, API_HEADERS } from './headers';
