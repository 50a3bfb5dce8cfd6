/**
 * The escrow area as one Fastify plugin. Register it inside the authenticated `/api/v1` scope with prefix
 * `/escrow`: sender routes use `request.caller`; recipient and sender-link routes are `public` and carry their
 * own proofs. Options are validated once here; every outside part (store, blobs, mail, key, clock, timer) can be
 * injected, and defaults come from `config.dataDir` and `config.smtp`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { fileBlobStore, type BlobStore } from './blobs';
import type { EscrowContext } from './context';
import { applyApiHeaders } from './headers';
import { smtpMailer, type Mailer } from './mailer';
import { EscrowConfigSchema, type EscrowConfigInput } from './options';
import { pickupRoutes } from './pickup-routes';
import { intervalSchedule, purgeOnce, type Schedule } from './purge';
import { RateWindow } from './rate-window';
import { replyRoutes } from './reply-routes';
import { senderRoutes } from './sender-routes';
import { loadServerKey, SERVER_KEY_FILE, type ServerKey } from './server-key';
import { openEscrowStore } from './sqlite-store';
// Escrow keeps its tables in the server's own database file.
import { DATABASE_FILE } from '../store/sqlite';
import type { EscrowStore } from './store';

export interface EscrowPluginOptions {
  config: EscrowConfigInput;
  /** Default: `openEscrowStore(<dataDir>/sendguard.sqlite)`, closed with the app. */
  store?: EscrowStore;
  /** Default: `<dataDir>/escrow-blobs/`. */
  blobs?: BlobStore;
  /** Default: nodemailer to `config.smtp`. */
  mailer?: Mailer;
  /** Default: `<dataDir>/escrow-server.key`, created on first start. */
  serverKey?: ServerKey;
  now?: () => number;
  random?: (size: number) => Buffer;
  /** Runs the purge; default `setInterval` (unref'd). Tests pass one they can trigger. */
  schedule?: Schedule;
}

const escrowPlugin: FastifyPluginAsync<EscrowPluginOptions> = async (app, options) => {
  const config = EscrowConfigSchema.parse(options.config);
  const ownStore = !options.store;
  const ctx: EscrowContext = {
    config,
    store: options.store ?? openEscrowStore(join(config.dataDir, DATABASE_FILE)),
    blobs: options.blobs ?? fileBlobStore(join(config.dataDir, 'escrow-blobs')),
    mailer: options.mailer ?? smtpMailer(config.smtp),
    serverKey: options.serverKey ?? loadServerKey(join(config.dataDir, SERVER_KEY_FILE)),
    now: options.now ?? Date.now,
    random: options.random ?? randomBytes,
    perIp: new RateWindow(config.perIp.max, config.perIp.windowMs),
    codeRequests: new RateWindow(config.codesPerRecipientPerHour, 3_600_000),
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

  const purge = () =>
    void purgeOnce(ctx).catch((err: unknown) => app.log.error({ err }, 'escrow purge failed'));
  const cancel = (options.schedule ?? intervalSchedule)(purge, config.purgeIntervalMs);
  app.addHook('onClose', async () => {
    cancel();
    if (ownStore) await ctx.store.close();
  });
};

export default escrowPlugin;
export { PORTAL_CSP, PORTAL_HEADERS, API_HEADERS } from './headers';
