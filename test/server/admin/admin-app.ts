/**
 * The app as an admin deploys it, for the admin API's tests: API tokens required (two senders with owners, one
 * admin), the service's SQLite store in a fresh data directory, secure pickup on (mail recorded), the service's
 * clock the test's to drive. Transport and keys are the route tests' fakes unless a test passes real ones.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../../src/server/app';
import { issueApiToken } from '../../../src/server/auth/api-tokens';
import { parseConfig } from '../../../src/server/config/load';
import type { ConfigInput } from '../../../src/server/config/schema';
import { openSqliteStore, type SqliteStore } from '../../../src/server/store/sqlite';
import type { TokenOwner } from '../../../src/server/store/store';
import { ManualClock } from '../../helpers/clock';
import { freePort } from '../../helpers/postgres-cluster';
import { defaultPolicy } from '../../helpers/policy';
import { scratchDir, stopAtFileEnd } from '../../helpers/scratch';
import { recordingMailer } from '../../escrow/harness';
import { FakeKeys, FakeTransport, fakeInspector } from '../api/fakes';

export const ANN: TokenOwner = { name: 'Ann Lee', address: 'ann@clinic.test' };
export const OLGA: TokenOwner = { name: 'Olga Other', address: 'olga@clinic.test' };
export const ADMIN: TokenOwner = { name: 'Ops Admin', address: 'ops@clinic.test' };

export interface AdminApp {
  app: FastifyInstance;
  store: SqliteStore;
  dataDir: string;
  clock: ManualClock;
  mailer: ReturnType<typeof recordingMailer>;
  /** API tokens: two senders' and an admin's. */
  tokens: { ann: string; olga: string; admin: string };
  /** Set when started with `listen`: `http://localhost:<port>`, the service's public URL. */
  url: string;
}

export interface AdminAppOptions {
  config?: ConfigInput;
  /** Parts replacing the fakes, made on the app's store and clock when they need them. */
  deps?: Partial<AppDeps> | ((made: { store: SqliteStore; clock: ManualClock }) => Partial<AppDeps>);
  /** Where the clock starts; now by default. */
  now?: number;
  listen?: boolean;
}

export async function startAdminApp(options: AdminAppOptions = {}): Promise<AdminApp> {
  const dataDir = scratchDir('admin');
  const store = openSqliteStore(dataDir);
  const clock = new ManualClock(options.now ?? Date.now());
  const deps = typeof options.deps === 'function' ? options.deps({ store, clock }) : options.deps;
  const mailer = recordingMailer();
  const issue = async (name: string, role: 'sender' | 'admin', owner: TokenOwner) =>
    (await issueApiToken(store.tokens, { name, role, owner })).token;
  const tokens = {
    ann: await issue('ann', 'sender', ANN),
    olga: await issue('olga', 'sender', OLGA),
    admin: await issue('ops', 'admin', ADMIN),
  };
  // The port is the public URL's, which pickup links name: taken first, then given to the app to listen on.
  const port = options.listen ? await freePort('127.0.0.1') : 0;
  const url = options.listen ? `http://localhost:${port}` : '';
  const config = parseConfig({
    ...(url ? { publicUrl: url } : {}),
    dataDir,
    tls: { enabled: false },
    logLevel: 'silent',
    ...options.config,
    auth: { apiTokens: true, devNoAuth: false },
  });
  const app = await buildApp(config, {
    store,
    policy: defaultPolicy(),
    transport: new FakeTransport(),
    keys: new FakeKeys(),
    keyInspector: fakeInspector,
    clock,
    escrow: { store, mailer, schedule: () => () => undefined },
    ...deps,
  });
  stopAtFileEnd(async () => {
    await app.close();
    await store.close();
  });
  if (options.listen) await app.listen({ host: '127.0.0.1', port });
  await app.ready();
  return { app, store, dataDir, clock, mailer, tokens, url };
}

/** The headers of a request made with `token`. */
export const as = (token: string) => ({ authorization: `Bearer ${token}` });
