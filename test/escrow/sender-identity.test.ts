/**
 * Secure pickup names the sender after whom the service authenticated — an Entra user, an API token's owner —
 * never after what the request says: recipients act on "Dr. Ann Lee sent you…", so a sender must not be able to
 * choose it; the notices the service mails the sender go to that address too. Callers without a mailbox (a token
 * without an owner, development mode) still send, under the name the service knows them by, and get no notices.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { FetchLike } from '../../src/core/escrow/http';
import { issueApiToken } from '../../src/server/auth/api-tokens';
import type { ConfigInput } from '../../src/server/config/schema';
import { openSqliteStore } from '../../src/server/store/sqlite';
import { startEntraProvider } from '../helpers/entra-provider';
import { scratchDir } from '../helpers/scratch';
import { testApp } from '../server/api/fakes';
import { parseFragment } from '../../src/core/escrow/link';
import { PickupClient } from '../../src/portal/pickup-client';
import {
  cookieFetch,
  escrowSample,
  nodeFetch,
  recordingMailer,
  SENDER,
  startEscrowServer,
  type EscrowServer,
} from './harness';

/** Mail goes out in the background: wait (briefly) until `done`. */
async function waitUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** What the portal shows a recipient before they verify: who sent it. */
async function pickupSender(apiBase: string, id: string) {
  const info = (await (await fetch(`${apiBase}/pickup/${id}`)).json()) as Record<string, unknown>;
  return { senderName: info.senderName, senderAddress: info.senderAddress };
}

describe('through the escrow harness (API tokens)', () => {
  // One server for these tests: each sends its own message, and none depends on another's state.
  const mailer = recordingMailer();
  let server: EscrowServer;
  beforeAll(async () => (server = await startEscrowServer({ mailer })));
  afterAll(() => server.close());

  test('the portal and the code mail name the token’s owner, whatever name the add-in’s notice carries', async () => {
    const sent = await escrowSample(server, { sender: { name: 'The Bank', address: 'ceo@bank.test' } });
    expect(await pickupSender(server.apiBase, sent.id)).toEqual({
      senderName: SENDER.name,
      senderAddress: SENDER.address,
    });
    await fetch(`${server.apiBase}/pickup/${sent.id}/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sendguard-portal': '1' },
      body: JSON.stringify({ address: 'bob@partner.test' }),
    });
    expect(mailer.sent.at(-1)!.subject).toBe(
      `Your code to open the secure message from ${SENDER.name} <${SENDER.address}>`,
    );
  });

  test('attack: a create request naming its own sender is refused (400), nothing is stored', async () => {
    const forging: FetchLike = (url, init) => {
      const creating = String(url).endsWith('/escrow/messages') && init?.method === 'POST';
      if (!creating) return nodeFetch(url, init);
      const body = {
        ...JSON.parse(String(init.body)),
        senderName: 'The Bank',
        senderAddress: 'ceo@bank.test',
      };
      return nodeFetch(url, { ...init, body: JSON.stringify(body) });
    };
    // The other sender of the harness, who sends nothing else here: their list shows what this left behind.
    const other = { url: server.url, token: server.otherToken };
    await expect(escrowSample(other, { fetch: forging })).rejects.toMatchObject({ status: 400 });
    const listed = await fetch(`${server.apiBase}/messages`, {
      headers: { authorization: `Bearer ${server.otherToken}` },
    });
    expect(await listed.json()).toEqual({ messages: [] });
  });

  test('lock-out and reply notices go only to the authenticated sender’s address, never one the add-in names', async () => {
    const notices = recordingMailer();
    const local = await startEscrowServer({
      mailer: notices,
      config: { maxFailures: 1, backoff: { firstMs: 1000, maxMs: 1000 } },
    });
    try {
      const sent = await escrowSample(local, { sender: { name: 'The Bank', address: 'ceo@bank.test' } });
      const bob = new PickupClient(parseFragment(new URL(sent.pickupUrl).hash), {
        apiBase: local.apiBase,
        fetch: cookieFetch(),
      });
      await bob.requestCode('bob@partner.test');
      // The second wrong code in a row reaches the longest wait (1 s here): the sender is told.
      for (const wrong of ['00000000', '11111111'])
        await expect(bob.verify('bob@partner.test', wrong)).rejects.toMatchObject({
          code: 'ESCROW_CODE_REJECTED',
        });
      local.clock.advance(1000);
      await bob.verify('bob@partner.test', notices.codeFor('bob@partner.test'));
      await bob.open();
      await bob.reply('reply text', []);
      await waitUntil(() => notices.sent.length >= 3);
      const toSender = notices.sent.filter((m) => m.to !== 'bob@partner.test');
      expect(toSender.map((m) => [m.to, m.subject])).toEqual([
        [SENDER.address, 'Secure message: many wrong codes or passcodes for bob@partner.test'],
        [SENDER.address, 'Secure reply from bob@partner.test'],
      ]);
    } finally {
      await local.close();
    }
  });

  test('a token issued without an owner sends under the token’s name, with no address', async () => {
    const store = openSqliteStore(server.dataDir);
    const { token } = await issueApiToken(store.tokens, { name: 'Billing system', role: 'sender' });
    await store.close();
    const sent = await escrowSample({ url: server.url, token });
    expect(await pickupSender(server.apiBase, sent.id)).toEqual({
      senderName: 'Billing system',
      senderAddress: '',
    });
  });
});

describe('through the whole app', () => {
  let app: FastifyInstance | undefined;
  afterEach(() => app?.close());

  /** The service with secure pickup on SQLite, listening on loopback; its URL. */
  async function running(config: ConfigInput): Promise<string> {
    const dataDir = scratchDir('sender');
    const store = openSqliteStore(dataDir);
    ({ app } = await testApp({
      config: { dataDir, ...config },
      deps: { store, escrow: { store, mailer: recordingMailer() } },
    }));
    app.addHook('onClose', () => store.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }

  test('an Entra user is named by their token: display name and preferred_username', async () => {
    const clientId = randomUUID();
    const entra = await startEntraProvider({
      tenantId: randomUUID(),
      clientId,
      resource: `api://sendguard.example.org/${clientId}`,
    });
    try {
      const url = await running({ auth: { apiTokens: false, entra: entra.serviceSettings } });
      const user = { oid: randomUUID(), preferredUsername: 'Ana.Example@Example.org', name: 'Ana Example' };
      const sent = await escrowSample({ url, token: await entra.delegatedToken(user) });
      expect(await pickupSender(`${url}/api/v1/escrow`, sent.id)).toEqual({
        senderName: 'Ana Example',
        senderAddress: 'ana.example@example.org',
      });
    } finally {
      await entra.close();
    }
  });

  test('development mode names no person: the sender is labelled as development mode, with no address', async () => {
    const url = await running({ auth: { devNoAuth: true } });
    const sent = await escrowSample({ url, token: '' });
    expect(await pickupSender(`${url}/api/v1/escrow`, sent.id)).toEqual({
      senderName: 'Sendguard development mode (no sign-in)',
      senderAddress: '',
    });
  });
});
