/**
 * Several nodes, one database, as an organisation runs Sendguard past one machine: a real PostgreSQL, three
 * `sendguard serve` nodes (the built command, each its own process and data directory, with a copy of one pseudonym
 * key) sharing it and one escrow server key file, authentication on with a token the admin issued into the
 * database, TLS off behind HAProxy configured with deploy/haproxy.cfg (TLS with a test CA's certificate, round
 * robin, health checks on /healthz), whose address the nodes trust for X-Forwarded-For. Everything on loopback.
 *
 * A bounded load through the balancer: /assess from 50 clients at once, every answer complete; then secure
 * messages created and uploaded with the add-in's own code. The test's uplink pauses every part mid-way, and the
 * node holding most of those open parts is killed: at least one part is cut in every run. Every message
 * completes, and opens on a surviving node other than the one that created it; the only requests that failed
 * were open on the killed node, and each was sent again to a live one.
 *
 * A failure names what failed: the request (tag, method, path), the node HAProxy gave it to, and its status.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { ClientRequest as HttpsRequest } from 'node:http';
import { request } from 'node:https';
import { join } from 'node:path';
import { escrowMessage, type EscrowedMessage } from '../../src/addin/protect/escrow/escrow-message';
import type { FetchAnswer, FetchLike } from '../../src/core/escrow/http';
import { parseFragment } from '../../src/core/escrow/link';
import { PickupClient } from '../../src/portal/pickup-client';
import type { ConfigInput } from '../../src/server/config/schema';
import { DECISION_KEY_FILE } from '../../src/server/decisions/key';
import { bedRelay } from '../escrow/bed-relay';
import { cookieFetch } from '../escrow/harness';
import { codeIn, waitForMail } from '../escrow/maildir';
import { bedServerSettings } from '../helpers/bed-services';
import { runCli } from '../helpers/cli';
import { REQUEST_TAG, startHaproxy, type Haproxy, type LoggedRequest } from '../helpers/haproxy';
import { startPostgres } from '../helpers/postgres';
import { freePort } from '../helpers/postgres-cluster';
import { scratchDir } from '../helpers/scratch';
import { BALANCER_HOST, BALANCER_NAME, startServiceNodes, type ServiceNode } from '../helpers/service-nodes';
import { testbed, type Testbed } from '../helpers/testbed';

/** Three: a message created on one survivor must open on another. */
const NODES = 3;
const CLIENTS = 50;
const ROUNDS = 4;
const MESSAGES = 10;
/** Four upload parts each. */
const ATTACHMENT_BYTES = 3.5 * 1024 * 1024;
/** What a slow uplink sends a part at. */
const UPLINK_BYTES_PER_SECOND = 4 * 1024 * 1024;
/** A balancer's answers for a node that did not answer. */
const GATEWAY_STATUSES = [502, 503, 504];

let bed: Testbed;
let nodes: ServiceNode[];
let balancer: Haproxy;
let token: string;
let adminToken: string;

beforeAll(async () => {
  if (NODES < 3)
    throw new Error(`NODES is ${NODES}: opening a message on a survivor other than its creator needs 3`);
  bed = testbed();
  const postgres = await startPostgres();
  const dir = scratchDir('cluster');
  // Provisioned as an admin does for several nodes: one key file, copied to each (here: one path for all).
  const serverKeyFile = join(dir, 'escrow-server.key');
  writeFileSync(serverKeyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  const site = {
    name: BALANCER_NAME,
    host: BALANCER_HOST,
    port: await freePort(BALANCER_HOST),
    httpPort: await freePort(BALANCER_HOST),
  };
  const settings = (dataDir: string): ConfigInput =>
    bedServerSettings(bed, dataDir, {
      publicUrl: `https://${site.name}:${site.port}`,
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
  // Each node's data directory holds a copy of one pseudonym key: key verdicts are kept under names made with it.
  const pseudonymKey = randomBytes(32);
  nodes = await startServiceNodes(NODES, ({ dataDir }) => {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dataDir, DECISION_KEY_FILE), pseudonymKey, { mode: 0o600 });
    return settings(dataDir);
  });
  balancer = await startHaproxy(site, nodes);
}, 100_000);

/** One request as the client saw it. */
interface ClientRequest {
  tag: string;
  method: string;
  url: string;
  started: number;
  /** The status; `open` while no answer has come, `lost` when the request failed without one. */
  outcome: number | 'open' | 'lost';
  /** Whether its body is waiting, part-way, for the paused uplink. */
  held: boolean;
  /** The id a create's answer gave. */
  created?: string;
}

/** A request to the balancer over HTTPS, as a FetchLike answers; `send` writes its body and ends it. */
function overTls(
  url: string,
  init: { method: string; headers: Record<string, string>; signal?: AbortSignal },
  send: (request: HttpsRequest) => void | Promise<void>,
): Promise<FetchAnswer> {
  return new Promise((resolve, reject) => {
    const { method, headers, signal } = init;
    const sending = request(
      url,
      { method, headers, agent: balancer.agent, ...(signal ? { signal } : {}) },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('error', reject);
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          const status = answer.statusCode ?? 0;
          resolve({
            ok: status >= 200 && status < 300,
            status,
            json: async () => JSON.parse(body.toString()) as unknown,
            blob: async () => new Blob([body]),
          });
        });
      },
    );
    sending.on('error', reject);
    Promise.resolve(send(sending)).catch((error: unknown) => sending.destroy(error as Error));
  });
}

/**
 * The test's uplink: a body goes a piece at a time at its speed, and while the uplink is paused each stops after
 * its first piece, its request open on whichever node the balancer chose.
 */
function uplink() {
  const piece = 64 * 1024;
  let resumed = Promise.resolve();
  let resume: () => void = () => undefined;
  return {
    pause: () => void (resumed = new Promise<void>((resolve) => (resume = resolve))),
    resume: () => resume(),
    async send(body: Uint8Array, to: HttpsRequest, request: ClientRequest): Promise<void> {
      for (let at = 0; at < body.length; at += piece) {
        if (at > 0) {
          request.held = true;
          await resumed;
          request.held = false;
        }
        await new Promise((resolve) => setTimeout(resolve, (piece / UPLINK_BYTES_PER_SECOND) * 1000));
        // A request cut on the way: the rest of its body goes nowhere.
        if (to.destroyed) return;
        to.write(body.subarray(at, at + piece));
      }
      to.end();
    },
  };
}

/**
 * The add-in's client over HTTPS to the balancer: every request tagged (the balancer logs the tag beside the
 * node it chose) and written down with its outcome; bodies go over `link`.
 */
function clientFetch(requests: ClientRequest[], link: ReturnType<typeof uplink>): FetchLike {
  let count = 0;
  return async (url, init) => {
    const entry: ClientRequest = {
      tag: `r${++count}`,
      method: init.method,
      url,
      started: Date.now(),
      outcome: 'open',
      held: false,
    };
    requests.push(entry);
    const { body } = init;
    const headers = { ...init.headers, [REQUEST_TAG]: entry.tag };
    const response = await overTls(url, { ...init, headers }, (to) =>
      body instanceof Uint8Array ? link.send(body, to, entry) : void to.end(body),
    ).catch((error: unknown) => {
      entry.outcome = 'lost';
      throw error;
    });
    entry.outcome = response.status;
    if (response.status === 201) entry.created = ((await response.json()) as { id: string }).id;
    return response;
  };
}

const byTag = (logged: LoggedRequest[]) => new Map(logged.map((r) => [r.tag, r]));

/** A request in one line: tag, method, path, the node the balancer gave it to and how it ended there, status. */
function described(request: ClientRequest, logged: Map<string, LoggedRequest>): string {
  const log = logged.get(request.tag);
  const where = log ? `${log.server} (${log.termination})` : 'not in the balancer log';
  return `${request.tag} ${request.method} ${new URL(request.url).pathname} on ${where}: ${request.outcome}`;
}

/** Whether `condition` came true within `timeoutMs`, asked every 20 ms. */
async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** Waits for `condition`; when it does not come, fails saying what was awaited and how things stood. */
async function until(
  awaited: string,
  condition: () => boolean | Promise<boolean>,
  state: () => string | Promise<string>,
): Promise<void> {
  if (!(await eventually(condition))) throw new Error(`not seen in time: ${awaited}\n${await state()}`);
}

test('/assess from 50 clients at once through the balancer: every answer complete, from every node', async () => {
  const recipients = ['x@dane-ee.sendguard.test', 'bob@partial.sendguard.test', 'alice@wkd.sendguard.test'];
  const assess = async (tag: string) => {
    const response = await overTls(
      `${balancer.url}/api/v1/assess`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', [REQUEST_TAG]: tag },
      },
      (to) => void to.end(JSON.stringify({ recipients })),
    );
    // A balancer's own refusal is not JSON.
    const body = response.ok ? await response.json() : await (await response.blob()).text();
    return { tag, status: response.status, body: body as any };
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
  const logged = byTag(balancer.requests());
  const where = (tag: string) => logged.get(tag)?.server ?? 'not in the balancer log';
  expect(all.filter((a) => a.status !== 200).map((a) => `${a.tag} on ${where(a.tag)}: ${a.status}`)).toEqual(
    [],
  );
  for (const { tag, body } of all) {
    const verdicts = Object.fromEntries(
      body.recipients.map((r: any) => [r.address, r.transport.verdict as string]),
    );
    const request = `${tag} on ${where(tag)}`;
    expect({ request, partial: body.partial, verdicts, key: body.recipients[2].key }).toMatchObject({
      request,
      partial: false,
      verdicts: {
        'x@dane-ee.sendguard.test': 'authenticated',
        'bob@partial.sendguard.test': 'partial',
        'alice@wkd.sendguard.test': expect.any(String),
      },
      key: { verdict: 'valid', source: 'wkd' },
    });
  }
  const served = balancer.requests().filter((r) => r.tag.startsWith('assess-'));
  expect(new Set(served.map((r) => r.server))).toEqual(new Set(nodes.map((n) => n.name)));
}, 60_000);

test('plain HTTP to the balancer is sent to HTTPS, as the deployed configuration says', async () => {
  const response = await fetch(`${balancer.httpUrl}/api/v1/assess`, { method: 'POST', redirect: 'manual' });
  const { host } = new URL(balancer.httpUrl);
  expect({ status: response.status, location: response.headers.get('location') }).toEqual({
    status: 301,
    location: `https://${host}/api/v1/assess`,
  });
});

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
  const link = uplink();
  const fetch = clientFetch(requests, link);
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
  // Each request in one line, with where the balancer's log so far places it.
  const listed = (list: ClientRequest[], logged = byTag(balancer.requests())) =>
    list.map((r) => described(r, logged)).join('\n');
  // Not before every create is answered: a create is never sent again (core/escrow/upload.ts says why).
  const creates = () => requests.filter((r) => r.method === 'POST' && r.url.endsWith('/messages'));
  const created = () => creates().length === MESSAGES && creates().every((r) => r.outcome === 201);
  await until('every create answered 201', created, () => listed(creates()));
  const landed = () => requests.filter((r) => r.method === 'PUT' && r.outcome === 204).length >= MESSAGES;
  await until(`${MESSAGES} parts stored`, landed, () => listed(requests));

  // Every part pauses part-way; once nothing else is open and the balancer counts each paused part on a node,
  // the node with most of them is killed: each of those is cut.
  link.pause();
  const open = () => requests.filter((r) => r.outcome === 'open');
  let busy: Record<string, number> = {};
  let previous = '';
  const settled = async () => {
    busy = await balancer.sessions();
    // The same twice in a row: a request that has just ended may still count on its node for a moment.
    const steady = JSON.stringify(busy) === previous;
    previous = JSON.stringify(busy);
    const onNodes = Object.values(busy).reduce((sum, n) => sum + n, 0);
    return steady && open().length > 0 && open().every((r) => r.held) && onNodes === open().length;
  };
  await until('parts open and paused on the nodes, nothing else open', settled, () =>
    [`sessions per node: ${JSON.stringify(busy)}`, listed(open())].join('\n'),
  );
  const victim = [...nodes].sort((a, b) => (busy[b.name] ?? 0) - (busy[a.name] ?? 0))[0]!;
  const heldAtKill = open();
  await victim.kill();
  const survivors = nodes.filter((n) => n !== victim);
  // The balancer's health checks notice; the paused parts go on once they have.
  const down = async () => (await balancer.states())[victim.name]?.startsWith('DOWN') ?? false;
  await until(`${victim.name} marked down`, down, async () => JSON.stringify(await balancer.states()));
  link.resume();

  const sent = await Promise.all(uploads).catch((error: unknown) => {
    const unanswered = requests.filter((r) => typeof r.outcome !== 'number' || r.outcome >= 300);
    throw new Error(`an upload failed (${victim.name} was killed): ${String(error)}\n${listed(unanswered)}`, {
      cause: error,
    });
  });

  const logged = byTag(balancer.requests());
  const node = (request: ClientRequest) => logged.get(request.tag)?.server;
  const failed = requests.filter(
    (r) => r.outcome === 'lost' || GATEWAY_STATUSES.includes(r.outcome as number),
  );
  const listing = (list: ClientRequest[]) => list.map((r) => described(r, logged));
  // The cut parts: as many failed as the balancer had open on the killed node, and nothing else failed. (HAProxy
  // does not log every request cut this way, so the count, not the log, says which were there.)
  expect({ victim: victim.name, cut: failed.length }).toEqual({
    victim: victim.name,
    cut: busy[victim.name],
  });
  expect(failed.length).toBeGreaterThan(0);
  expect(listing(failed.filter((r) => !heldAtKill.includes(r)))).toEqual([]);
  expect(listing(failed.filter((r) => node(r) !== undefined && node(r) !== victim.name))).toEqual([]);
  // Each was sent again, to a live node, and its message completed.
  const retries = failed.map((request) => {
    const again = requests.find(
      (r) => r.method === request.method && r.url === request.url && r.started > request.started,
    );
    return {
      failed: described(request, logged),
      again: again ? described(again, logged) : 'never sent again',
      onSurvivor: survivors.some((s) => again && s.name === node(again)),
    };
  });
  expect(retries.filter((r) => !r.onSurvivor)).toEqual([]);
  const messageOf = (request: ClientRequest) => request.url.split('/messages/')[1]?.split('/')[0];
  expect(listing(failed.filter((r) => !sent.some((m) => m.id === messageOf(r))))).toEqual([]);
  // Every other request was answered as it would have been without the kill, except the refusals that told a
  // retried part where its blob stood.
  const refused = requests.filter(
    (r) => !failed.includes(r) && (typeof r.outcome !== 'number' || r.outcome >= 300),
  );
  const unexplained = refused.filter(
    (request) =>
      request.outcome !== 409 || !failed.some((f) => f.url === request.url && f.started < request.started),
  );
  expect(listing(unexplained)).toEqual([]);

  await Promise.all(
    sent.map(async (message, n) => {
      const create = creates().find((r) => r.created === message.id)!;
      const creator = node(create);
      expect(creator).toMatch(/^node\d$/);
      const opener = survivors.find((s) => s.name !== creator);
      if (!opener)
        throw new Error(`message ${n} (created on ${creator}): no survivor other than its creator`);
      const { address, data } = outgoing[n]!;
      const opened = await openOn(opener, message, address).catch((error: unknown) => {
        throw new Error(
          `message ${n} (created on ${creator}) did not open on ${opener.name}: ${String(error)}`,
          {
            cause: error,
          },
        );
      });
      expect({ message: n, node: opener.name, whole: opened.equals(data) }).toEqual({
        message: n,
        node: opener.name,
        whole: true,
      });
    }),
  );
}, 90_000);

/** Opens `message` on `node` as its recipient does (a code by mail), and answers its attachment's bytes. */
async function openOn(node: ServiceNode, message: EscrowedMessage, address: string): Promise<Buffer> {
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
  return Buffer.from(await (await client.attachment(0)).arrayBuffer());
}
