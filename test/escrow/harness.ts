/**
 * A real escrow server for tests: Fastify on 127.0.0.1 with an ephemeral port, the service's error handling and
 * configuration parsing, the real auth plugin, the escrow plugin on the service's SQLite store in a fresh data
 * directory (or on a store the test opened, PostgreSQL say), and the built portal at `/pickup/` with the headers
 * the plugin prescribes. The clock and the purge timer are the test's to drive.
 */
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  escrowMessage,
  type EscrowedMessage,
  type EscrowMessageOptions,
} from '../../src/addin/protect/escrow/escrow-message';
import type { FetchLike } from '../../src/core/escrow/http';
import { parseFragment } from '../../src/core/escrow/link';
import type { SignInProvider } from '../../src/core/escrow/wire';
import { installErrorHandling } from '../../src/server/api/errors';
import { issueApiToken } from '../../src/server/auth/api-tokens';
import authPlugin from '../../src/server/auth/plugin';
import type { BlobStore } from '../../src/server/escrow/blobs';
import type { Mailer, OutgoingMail } from '../../src/server/escrow/mailer';
import type { SignInDirectory } from '../../src/server/escrow/sign-in-directory';
import type { EscrowStore } from '../../src/server/escrow/store';
import type { ServiceStore, TokenOwner } from '../../src/server/store/store';
import escrowPlugin, { PORTAL_HEADERS } from '../../src/server/escrow/plugin';
import type { EscrowSettingsInput } from '../../src/server/config/escrow';
import { parseConfig } from '../../src/server/config/load';
import { openSqliteStore } from '../../src/server/store/sqlite';
import { PickupClient } from '../../src/portal/pickup-client';
import { ManualClock } from '../helpers/clock';
import { codeIn, waitForMail } from './maildir';
import { scratchDir, stopAtFileEnd } from '../helpers/scratch';

/** The owner of the harness's sender token: whom recipients are told the message is from. */
export const SENDER = { name: 'Dr. Ann Lee', address: 'ann@clinic.test' };

export const PORTAL_DIR = join(__dirname, '..', '..', 'dist', 'web', 'portal');

export interface EscrowServer {
  app: FastifyInstance;
  /** `http://localhost:<port>`: Chromium treats localhost as a secure context, which `__Host-` cookies need. */
  url: string;
  apiBase: string;
  /** A sender's token, owned by {@link SENDER}. */
  token: string;
  otherToken: string;
  /** A new sender's token, owned by `owner`: the sender its messages are from. */
  issueToken(owner: TokenOwner): Promise<string>;
  dataDir: string;
  clock: ManualClock;
  purge: () => Promise<void>;
  close: () => Promise<void>;
}

/** Records mail instead of sending it, for tests that are not about the SMTP path. */
export function recordingMailer(): Mailer & { sent: OutgoingMail[]; codeFor(address: string): string } {
  const sent: OutgoingMail[] = [];
  return {
    sent,
    async send(mail) {
      sent.push(mail);
    },
    codeFor(address) {
      const mail = [...sent].reverse().find((m) => m.to === address && /Your code is/.test(m.text));
      const code = mail && /Your code is (\d+)/.exec(mail.text)?.[1];
      if (!code) throw new Error(`no code mailed to ${address}`);
      return code;
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function startEscrowServer(options: {
  mailer: Mailer;
  config?: EscrowSettingsInput;
  dataDir?: string;
  /** Wraps the real escrow store, for tests of what a failing store does to an answer. */
  wrapStore?: (store: EscrowStore) => EscrowStore;
  /** Wraps the real blob store (`<dataDir>/escrow-blobs`), for tests that hold a write at a chosen moment. */
  wrapBlobs?: (blobs: BlobStore) => BlobStore;
  /**
   * The service's store to run on, which the test closes (PostgreSQL shared by two servers, say); the server's
   * own SQLite store in `dataDir` otherwise.
   */
  store?: ServiceStore;
  /** Who vouches for recipients by sign-in; the service's default (none) otherwise. */
  signIn?: SignInDirectory;
}): Promise<EscrowServer> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const dataDir = options.dataDir ?? scratchDir('escrow');
  const config = parseConfig({ publicUrl: url, dataDir, escrow: options.config ?? {} });
  const clock = new ManualClock(Date.now());
  let purgeTask: () => Promise<void> = async () => undefined;
  const store = options.store ?? openSqliteStore(dataDir);
  const { tokens } = store;
  // Secure pickup names the sender after the token's owner.
  const { token } = await issueApiToken(tokens, { name: 'sender', role: 'sender', owner: SENDER });
  const { token: otherToken } = await issueApiToken(tokens, {
    name: 'other',
    role: 'sender',
    owner: { name: 'Olga Other', address: 'olga@clinic.test' },
  });

  const app = Fastify({
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true } },
  });
  installErrorHandling(app);
  await app.register(
    async (api) => {
      await api.register(authPlugin, { auth: { apiTokens: true, devNoAuth: false }, tokens });
      await api.register(escrowPlugin, {
        prefix: '/escrow',
        config: {
          ...config.escrow,
          publicUrl: config.publicUrl,
          dataDir: config.dataDir,
          purgeIntervalMs: config.purgeIntervalMs,
        },
        store: options.wrapStore ? { ...store, escrow: options.wrapStore(store.escrow) } : store,
        mailer: options.mailer,
        ...(options.wrapBlobs ? { blobs: options.wrapBlobs(store.escrowBlobs) } : {}),
        ...(options.signIn ? { signIn: options.signIn } : {}),
        clock,
        schedule: (task) => {
          purgeTask = task;
          return () => undefined;
        },
      });
    },
    { prefix: '/api/v1' },
  );
  await app.register(fastifyStatic, {
    root: PORTAL_DIR,
    prefix: '/pickup/',
    // Otherwise @fastify/static writes its own Cache-Control over the portal's no-store.
    cacheControl: false,
    setHeaders: (res) => {
      for (const [name, value] of Object.entries(PORTAL_HEADERS)) res.setHeader(name, value);
    },
  });
  if (!options.store) app.addHook('onClose', () => store.close());
  await app.listen({ host: '127.0.0.1', port });
  return {
    app,
    url,
    apiBase: `${url}/api/v1/escrow`,
    token,
    otherToken,
    issueToken: async (owner) =>
      (await issueApiToken(tokens, { name: owner.address, role: 'sender', owner })).token,
    dataDir,
    clock,
    purge: () => purgeTask(),
    close: stopAtFileEnd(() => app.close()),
  };
}

/**
 * A sign-in directory that knows one provider per recipient domain: the stand-in for configured, built-in and
 * discovered providers in tests about what the escrow service does with them.
 */
export function signInByDomain(providers: Record<string, SignInProvider>): SignInDirectory {
  return { providerFor: async (address) => providers[address.slice(address.lastIndexOf('@') + 1)] };
}

/** Node's fetch, typed as the clients' narrower `FetchLike`. */
export const nodeFetch = fetch as unknown as FetchLike;

/** Node's fetch has no cookie jar; the portal's browser does. This gives a client one cookie jar. */
export function cookieFetch(): FetchLike {
  const jar = new Map<string, string>();
  const withJar: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(input, { ...init, headers });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, value] = pair!.split('=');
      if (name && value) jar.set(name, value);
    }
    return response;
  };
  return withJar as unknown as FetchLike;
}

/**
 * A recipient's portal client for `sent`, proven by the code `mailer` recorded for `address`; its requests go
 * through `fetch` (a browser's own cookie jar by default).
 */
export async function pickupByCode(
  server: Pick<EscrowServer, 'apiBase'>,
  mailer: ReturnType<typeof recordingMailer>,
  sent: Pick<EscrowedMessage, 'pickupUrl'>,
  address: string,
  fetch: FetchLike = cookieFetch(),
): Promise<PickupClient> {
  const client = new PickupClient(parseFragment(new URL(sent.pickupUrl).hash), {
    apiBase: server.apiBase,
    fetch,
  });
  await client.requestCode(address);
  await client.verify(address, mailer.codeFor(address));
  return client;
}

/**
 * A recipient's portal client for `sent` on `apiBase`, proven by the code the test bed's Postfix delivered to
 * `address` in `mailDir`; `marks` tells this test's code mail apart from others to the same address.
 */
export async function pickupByDeliveredCode(
  apiBase: string,
  sent: Pick<EscrowedMessage, 'pickupUrl'>,
  address: string,
  { mailDir, marks = () => true }: { mailDir: string; marks?: (raw: string) => boolean },
): Promise<PickupClient> {
  const client = new PickupClient(parseFragment(new URL(sent.pickupUrl).hash), {
    apiBase,
    fetch: cookieFetch(),
  });
  await client.requestCode(address);
  const mail = await waitForMail(
    mailDir,
    (raw) => raw.includes(`To: ${address}`) && raw.includes('Your code is') && marks(raw),
  );
  await client.verify(address, codeIn(mail));
  return client;
}

/** A one-line message from Ann to Bob, escrowed on `server`; tests about the pickup path, not the content. */
export function escrowSample(
  server: Pick<EscrowServer, 'url' | 'token'>,
  options: Partial<EscrowMessageOptions> = {},
): Promise<EscrowedMessage> {
  return escrowMessage({
    backendUrl: server.url,
    token: server.token,
    sender: { name: 'Ann', address: 'ann@clinic.test' },
    message: { subject: 's', html: '<p>x</p>', text: 'x', attachments: [] },
    recipients: [{ address: 'bob@partner.test', proof: 'code' }],
    expiryDays: 1,
    fetch: nodeFetch,
    ...options,
  });
}
