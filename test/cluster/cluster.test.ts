/**
 * Several nodes, one database, as an organisation runs Sendguard past one machine: a real PostgreSQL, three
 * `sendguard serve` nodes (the built command, each its own process and data directory) sharing it and one escrow
 * server key file, authentication on with a token the admin issued into the database, TLS off behind HAProxy
 * (round robin, health checks on /healthz), whose address the nodes trust for X-Forwarded-For. Everything on
 * loopback.
 *
 * A bounded load through the balancer: /assess from 50 clients at once, every answer complete; then secure
 * messages created and uploaded with the add-in's own code while the node busiest with them is killed. Every
 * message completes, and opens on a surviving node other than the one that created it; the only requests that
 * failed were in flight on the killed node, and each was sent again.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escrowMessage, type EscrowedMessage } from '../../src/addin/protect/escrow/escrow-message';
import type { FetchLike } from '../../src/core/escrow/http';
import { parseFragment } from '../../src/core/escrow/link';
import { PickupClient } from '../../src/portal/pickup-client';
import type { ConfigInput } from '../../src/server/config/schema';
import { bedRelay } from '../escrow/bed-relay';
import { cookieFetch } from '../escrow/harness';
import { codeIn, waitForMail } from '../escrow/maildir';
import { bedServerSettings } from '../helpers/bed-services';
import { runCli } from '../helpers/cli';
import { REQUEST_TAG, startHaproxy, type Haproxy, type LoggedRequest } from '../helpers/haproxy';
import { startPostgres } from '../helpers/postgres';
import { freePort } from '../helpers/postgres-cluster';
import { scratchDir } from '../helpers/scratch';
import { BALANCER_HOST, startServiceNodes, type ServiceNode } from '../helpers/service-nodes';
import { testbed, type Testbed } from '../helpers/testbed';

const NODES = 3;
const CLIENTS = 50;
const ROUNDS = 4;
const MESSAGES = 10;
/** Four upload parts each. */
const ATTACHMENT_BYTES = 3.5 * 1024 * 1024;
/** What a slow uplink sends a part at: each part is in flight for a while, so a kill finds some mid-way. */
const UPLINK_BYTES_PER_SECOND = 4 * 1024 * 1024;
/** A balancer's answers for a node that did not answer. */
const GATEWAY_STATUSES = [502, 503, 504];

let bed: Testbed;
let nodes: ServiceNode[];
let balancer: Haproxy;
let token: string;
let adminToken: string;

beforeAll(async () => {
  bed = testbed();
  const postgres = await startPostgres();
  const dir = scratchDir('cluster');
  // Provisioned as an admin does for several nodes: one key file, copied to each (here: one path for all).
  const serverKeyFile = join(dir, 'escrow-server.key');
  writeFileSync(serverKeyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  const port = await freePort(BALANCER_HOST);
  const settings = (dataDir: string): ConfigInput =>
    bedServerSettings(bed, dataDir, {
      publicUrl: `http://${BALANCER_HOST}:${port}`,
      tls: { enabled: false },
      trustProxy: [BALANCER_HOST],
      database: { url: postgres.url },
      auth: { apiTokens: true },
      escrow: { serverKeyFile, smtp: bedRelay(bed), signIn: { discover: false } },
      // One token and one client address stand for a whole organisation's senders here.
      limits: {
        rateLimit: {
          perIp: { max: 100_000, windowMs: 60_000 },
          perCaller: { max: 100_000, windowMs: 60_000 },
        },
      },
      logLevel: 'warn',
    });
  const configFile = join(dir, 'sendguard.json');
  writeFileSync(configFile, JSON.stringify(settings(join(dir, 'admin'))));
  const issue = async (...args: string[]) => {
    const issued = await runCli(['token', 'issue', ...args, '--config', configFile]);
    if (issued.code !== 0) throw new Error(`sendguard token issue failed: ${issued.stderr}`);
    return issued.stdout.trim();
  };
  token = await issue('--name', 'cluster load', '--owner', `Ann Sender <ann@${bed.mailDomain}>`);
  adminToken = await issue('--name', 'cluster admin', '--role', 'admin');
  nodes = await startServiceNodes(NODES, ({ dataDir }) => settings(dataDir));
  balancer = await startHaproxy({ host: BALANCER_HOST, port }, nodes);
}, 100_000);

/** One request as the client saw it. */
interface ClientRequest {
  tag: string;
  method: string;
  url: string;
  started: number;
  /** The status, or `lost` when no answer came. */
  outcome: number | 'lost';
  /** The id a create's answer gave. */
  created?: string;
}

/** `body` handed over a piece at a time at the uplink's speed. */
function slowly(body: Uint8Array): ReadableStream<Uint8Array> {
  const piece = 64 * 1024;
  let at = 0;
  return new ReadableStream({
    async pull(controller) {
      if (at >= body.length) return controller.close();
      await new Promise((resolve) => setTimeout(resolve, (piece / UPLINK_BYTES_PER_SECOND) * 1000));
      controller.enqueue(body.slice(at, (at += piece)));
    },
  });
}

/**
 * Node's fetch as the add-in's client: every request tagged (the balancer logs the tag beside the node it chose)
 * and written down with its outcome; upload parts go at the uplink's speed.
 */
function clientFetch(requests: ClientRequest[]): FetchLike {
  let count = 0;
  const send: FetchLike = async (url, init) => {
    const entry: ClientRequest = {
      tag: `r${++count}`,
      method: init.method,
      url,
      started: Date.now(),
      outcome: 'lost',
    };
    requests.push(entry);
    const { body } = init;
    const response = await fetch(url, {
      method: init.method,
      headers: { ...init.headers, [REQUEST_TAG]: entry.tag },
      ...(body instanceof Uint8Array ? { body: slowly(body), duplex: 'half' } : body ? { body } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    } as RequestInit);
    entry.outcome = response.status;
    if (response.status === 201) entry.created = ((await response.clone().json()) as { id: string }).id;
    return response;
  };
  return send;
}

const byTag = (logged: LoggedRequest[]) => new Map(logged.map((r) => [r.tag, r]));

/** Whether `condition` came true within `timeoutMs`, asked every 20 ms. */
async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

test('/assess from 50 clients at once through the balancer: every answer complete, from every node', async () => {
  const recipients = ['x@dane-ee.sendguard.test', 'bob@partial.sendguard.test', 'alice@wkd.sendguard.test'];
  const assess = async (tag: string) => {
    const response = await fetch(`${balancer.url}/api/v1/assess`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        [REQUEST_TAG]: tag,
      },
      body: JSON.stringify({ recipients }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  // The first asks run the checks (a node answers with what it has by its deadline); their results are stored.
  for (let i = 0; (await assess(`warm${i}`)).body.partial !== false; i++) {
    if (i >= 20) throw new Error('the checks never completed');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  const answers = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      const mine = [];
      for (let round = 0; round < ROUNDS; round++) mine.push(await assess(`assess-${client}-${round}`));
      return mine;
    }),
  );
  const all = answers.flat();
  expect(all).toHaveLength(CLIENTS * ROUNDS);
  expect(all.filter((a) => a.status !== 200)).toEqual([]);
  for (const { body } of all) {
    expect(body.partial).toBe(false);
    const verdicts = Object.fromEntries(
      body.recipients.map((r: any) => [r.address, r.transport.verdict as string]),
    );
    expect(verdicts).toEqual({
      'x@dane-ee.sendguard.test': 'authenticated',
      'bob@partial.sendguard.test': 'partial',
      'alice@wkd.sendguard.test': expect.any(String),
    });
    expect(body.recipients[2].key).toMatchObject({ verdict: 'valid', source: 'wkd' });
  }
  const served = balancer.requests().filter((r) => r.tag.startsWith('assess-'));
  expect(new Set(served.map((r) => r.server))).toEqual(new Set(nodes.map((n) => n.name)));
}, 60_000);

test('a pin set through one node holds on every node at once: the others drop the verdict they kept', async () => {
  const address = 'carol@wkd.sendguard.test';
  const lookUp = async (node: ServiceNode) => {
    const response = await fetch(`${node.base}/api/v1/keys/${address}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return (await response.json()) as { verdict: string; fingerprint?: string; pinnedFingerprint?: string };
  };
  // Every node looks the key up and keeps the verdict in memory in front of the database.
  const before = await Promise.all(nodes.map(lookUp));
  expect(before.map((k) => k.verdict)).toEqual(nodes.map(() => 'valid'));
  const other = 'F'.repeat(40);
  const pinned = await fetch(`${nodes[0]!.base}/api/v1/admin/pins/${address}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ fingerprint: other }),
  });
  expect(pinned.status).toBe(200);
  // The other nodes hear of it from the database (LISTEN/NOTIFY), a moment after the pin is stored.
  let after: Array<Awaited<ReturnType<typeof lookUp>>> = [];
  await eventually(async () => {
    after = await Promise.all(nodes.map(lookUp));
    return after.every((k) => k.verdict === 'changed');
  }, 5000);
  for (const key of after)
    expect(key).toMatchObject({
      verdict: 'changed',
      fingerprint: before[0]!.fingerprint,
      pinnedFingerprint: other,
    });
});

test('secure messages uploaded through the balancer while a node is killed: all complete and open elsewhere', async () => {
  const requests: ClientRequest[] = [];
  const fetch = clientFetch(requests);
  const tag = `${process.pid}-${Date.now()}`;
  const outgoing = Array.from({ length: MESSAGES }, (_, n) => ({
    address: `cluster-${tag}-${n}@${bed.mailDomain}`,
    data: randomBytes(ATTACHMENT_BYTES),
  }));
  const uploads: Array<Promise<EscrowedMessage>> = outgoing.map(({ address, data }, n) =>
    escrowMessage({
      backendUrl: balancer.url,
      token,
      sender: { name: 'Ann Sender', address: `ann@${bed.mailDomain}` },
      message: {
        subject: `scan ${n}`,
        html: '<p>attached</p>',
        text: 'attached',
        attachments: [{ name: `scan-${n}.pdf`, type: 'application/pdf', data }],
      },
      recipients: [{ address, proof: 'code' }],
      expiryDays: 1,
      fetch,
    }),
  );
  // Not before every create is answered: a create is never sent again (core/escrow/upload.ts says why).
  const creates = () => requests.filter((r) => r.method === 'POST' && r.url.endsWith('/messages'));
  const created = () => creates().length === MESSAGES && creates().every((r) => r.outcome === 201);
  expect(await eventually(created)).toBe(true);
  const landed = () => requests.filter((r) => r.method === 'PUT' && r.outcome === 204).length >= MESSAGES;
  expect(await eventually(landed)).toBe(true);
  const busy = await balancer.sessions();
  const victim = [...nodes].sort((a, b) => (busy[b.name] ?? 0) - (busy[a.name] ?? 0))[0]!;
  await victim.kill();
  const survivors = nodes.filter((n) => n !== victim);
  // Until its health checks fail, the balancer still sends requests to the killed node: those are in flight there.
  const down = async () => (await balancer.states())[victim.name]?.startsWith('DOWN') ?? false;
  expect(await eventually(down)).toBe(true);
  const downAt = Date.now();

  const sent = await Promise.all(uploads);

  // Which requests failed, where they were, and that each was sent again.
  const logged = byTag(balancer.requests());
  const failed = requests.filter((r) => r.outcome === 'lost' || GATEWAY_STATUSES.includes(r.outcome));
  expect(failed.length).toBeGreaterThan(0);
  for (const request of failed) {
    expect({ tag: request.tag, node: logged.get(request.tag)?.server }).toEqual({
      tag: request.tag,
      node: victim.name,
    });
    expect(request.started).toBeLessThan(downAt);
    const again = requests.find(
      (r) => r.method === request.method && r.url === request.url && r.started > request.started,
    );
    // The same request again, which the balancer gave to a live node.
    expect(survivors.map((n) => n.name)).toContain(logged.get(again!.tag)?.server);
  }
  // Every other request was answered as it would have been without the kill, except the refusals that told a
  // retried part where its blob stood.
  const refused = requests.filter(
    (r) => !failed.includes(r) && (typeof r.outcome !== 'number' || r.outcome >= 300),
  );
  for (const request of refused) {
    expect(request.outcome).toBe(409);
    expect(failed.some((f) => f.url === request.url && f.started < request.started)).toBe(true);
  }

  await Promise.all(
    sent.map(async (message, n) => {
      const create = creates().find((r) => r.created === message.id)!;
      const creator = logged.get(create.tag)?.server;
      expect(creator).toMatch(/^node\d$/);
      const node = survivors.find((s) => s.name !== creator)!;
      const { address, data } = outgoing[n]!;
      const client = new PickupClient(parseFragment(new URL(message.pickupUrl).hash), {
        apiBase: `${node.base}/api/v1/escrow`,
        fetch: cookieFetch(),
      });
      await client.requestCode(address);
      const mail = await waitForMail(
        bed.mailDir,
        (raw) => raw.includes(`To: ${address}`) && raw.includes('Your code is'),
      );
      await client.verify(address, codeIn(mail));
      await client.open();
      const opened = Buffer.from(await (await client.attachment(0)).arrayBuffer());
      expect({ message: n, node: node.name, whole: opened.equals(data) }).toEqual({
        message: n,
        node: node.name,
        whole: true,
      });
    }),
  );
}, 90_000);
