/**
 * Two service nodes on one PostgreSQL database, as an admin runs them behind a balancer: each `createServer` with
 * a data directory of its own holding a copy of one pseudonym key (decision-key), the same escrow server key file,
 * the real transport and key checks against the offline test bed, secure pickup mailing its codes through the
 * bed's Postfix. What one node is told, the other answers with; what one node kept in memory is dropped when the
 * other changes it.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { escrowMessage } from '../../../src/addin/protect/escrow/escrow-message';
import { SHIPPED_POLICY_FILE, type ConfigInput } from '../../../src/server/config/schema';
import { DECISION_KEY_FILE } from '../../../src/server/decisions/key';
import { createServer } from '../../../src/server/serve';
import { limitSlack } from '../../../src/server/store/batched-counters';
import { openPostgresStore } from '../../../src/server/store/postgres/open';
import { bedRelay } from '../../escrow/bed-relay';
import { nodeFetch, pickupByDeliveredCode } from '../../escrow/harness';
import { bedServerConfig } from '../../helpers/bed-services';
import { runCli } from '../../helpers/cli';
import { startPostgres } from '../../helpers/postgres';
import { scratchDir, stopAtFileEnd } from '../../helpers/scratch';
import { testbed, type Testbed } from '../../helpers/testbed';
import { fingerprintOf, fixture } from '../keys/fixtures';

const RUN = randomBytes(4).toString('hex');
const SENDER = { name: `Dr. Nodes ${RUN}`, address: 'sender@mailbox.sendguard.test' };
const RECIPIENT = 'someone@mailbox.sendguard.test';
const COMPLIANCE_KEY = 'gpg-ed25519.asc';
const PSEUDONYM_KEY = randomBytes(32);
/** Secure pickup's limit per client network, over both nodes: the pickup below takes two of it. */
const ESCROW_PER_IP = 5;
/** The API's limits per client network and per caller, over both nodes; far above what the other tests ask. */
const API_PER_IP = 200;
const API_PER_CALLER = 100;

let bed: Testbed;
let databaseUrl: string;
let keyFile: string;
let policyFile: string;
let a: Node;
let b: Node;
let senderToken: string;
let adminToken: string;

interface Node {
  /** Stops the node (once, however often called; at the file's end if not before). */
  close: () => Promise<void>;
  base: string;
  dataDir: string;
}

/** A node's settings: its own data directory, the shared database, key file and policy. */
function nodeSettings(dataDir: string, escrow: ConfigInput['escrow'] = {}) {
  return bedServerConfig(bed, dataDir, {
    tls: { enabled: false },
    auth: { apiTokens: true },
    database: { url: databaseUrl },
    policyFile,
    limits: {
      rateLimit: {
        perIp: { max: API_PER_IP, windowMs: 3_600_000 },
        perCaller: { max: API_PER_CALLER, windowMs: 3_600_000 },
      },
    },
    escrow: {
      serverKeyFile: keyFile,
      smtp: bedRelay(bed),
      perIp: { max: ESCROW_PER_IP, windowMs: 3_600_000 },
      ...escrow,
    },
  });
}

/** A data directory holding a copy of the first node's pseudonym key: key verdicts are kept under names made with it. */
function withPseudonymKey(dataDir = scratchDir('node')): string {
  writeFileSync(join(dataDir, DECISION_KEY_FILE), PSEUDONYM_KEY, { mode: 0o600 });
  return dataDir;
}

async function startNode(dataDir = scratchDir('node')): Promise<Node> {
  withPseudonymKey(dataDir);
  const server = await createServer(nodeSettings(dataDir));
  const close = stopAtFileEnd(server.close);
  const base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  return { close, base, dataDir };
}

/** The bed's policy with a compliance key named by fingerprint only, for the keyring to fill in. */
async function policyWithComplianceKey(): Promise<string> {
  const policy = parseYaml(await readFile(SHIPPED_POLICY_FILE, 'utf8')) as Record<string, unknown>;
  const file = join(scratchDir('policy'), 'policy.yaml');
  writeFileSync(
    file,
    stringify({ ...policy, complianceKey: { fingerprint: fingerprintOf(COMPLIANCE_KEY) } }),
  );
  return file;
}

async function api(node: Node, path: string, init: { token?: string; method?: string; body?: unknown } = {}) {
  const response = await fetch(`${node.base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

/** Asks `ask` again (a notification between nodes takes a moment) until `done`, for at most five seconds. */
async function eventually<T>(ask: () => Promise<T>, done: (answer: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const answer = await ask();
    if (done(answer) || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A request over a connection from `localAddress`: a client network of the test's own; its status. */
function statusFrom(localAddress: string, url: string, body?: unknown, token?: string): Promise<number> {
  const { hostname, port, pathname } = new URL(url);
  const headers = {
    ...(body === undefined ? {} : { 'content-type': 'application/json', 'x-sendguard-portal': '1' }),
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
  };
  const method = body === undefined ? 'GET' : 'POST';
  return new Promise((resolve, reject) => {
    const options = { host: hostname, port, path: pathname, method, headers, localAddress };
    const req = httpRequest(options, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** `count` requests made by `ask`, every other one to each node; their statuses. */
async function alternating(count: number, ask: (node: Node) => Promise<number>): Promise<number[]> {
  const statuses = [];
  for (let n = 0; n < count; n++) statuses.push(await ask(n % 2 === 0 ? a : b));
  return statuses;
}

/** `sendguard token issue` as an admin runs it on any machine: only the database URL in the environment. */
async function issueWithCli(args: string[]): Promise<string> {
  const run = await runCli(['token', 'issue', ...args], {
    SENDGUARD_DATABASE_URL: databaseUrl,
    SENDGUARD_DATA_DIR: scratchDir('cli'),
  });
  expect(run).toMatchObject({ code: 0, stderr: expect.stringContaining('issued token') });
  return run.stdout.trim();
}

beforeAll(async () => {
  bed = testbed();
  databaseUrl = (await startPostgres()).url;
  keyFile = join(scratchDir('server-key'), 'escrow-server.key');
  policyFile = await policyWithComplianceKey();
  // Started together: the schema is migrated once and the key file made once, whichever node gets there first.
  [a, b] = await Promise.all([startNode(), startNode()]);
  senderToken = await issueWithCli(['--name', 'Ann', '--owner', `${SENDER.name} <${SENDER.address}>`]);
  adminToken = await issueWithCli(['--name', 'Ops', '--role', 'admin']);
}, 120_000);

test('a token issued by the CLI on the database serves on both nodes', async () => {
  for (const node of [a, b]) {
    expect((await api(node, '/api/v1/me', { token: senderToken })).status).toBe(200);
    expect((await api(node, '/api/v1/me')).status).toBe(401);
  }
});

test('a token revoked through one node is refused by the other, which had it in memory', async () => {
  const token = await issueWithCli(['--name', 'Leaving']);
  const me = () => api(b, '/api/v1/me', { token });
  // Twice: B answers the second from memory.
  expect((await me()).status).toBe(200);
  expect((await me()).status).toBe(200);
  const listed = await api(a, '/api/v1/admin/tokens', { token: adminToken });
  const all = JSON.parse(listed.body as string) as Array<{ id: string; name: string }>;
  const leaving = all.find((t) => t.name === 'Leaving')!;
  const revoked = await api(a, `/api/v1/admin/tokens/${leaving.id}`, { token: adminToken, method: 'DELETE' });
  expect(revoked.status).toBe(204);
  expect((await eventually(me, (answer) => answer.status !== 200)).status).toBe(401);
});

test("a pin set through one node is what the other's lookup sees, though it had the verdict in memory", async () => {
  const address = 'carol@wkd.sendguard.test';
  const lookup = () => api(b, `/api/v1/keys/${address}`, { token: senderToken });
  const before = await lookup();
  expect(before.body.verdict).toBe('valid');
  // B answers from memory now; only the change A announces can make it look again.
  expect((await lookup()).body.fingerprint).toBe(before.body.fingerprint);
  const other = 'F'.repeat(40);
  const pinned = await api(a, `/api/v1/admin/pins/${address}`, {
    token: adminToken,
    method: 'PUT',
    body: { fingerprint: other },
  });
  expect(pinned.status).toBe(200);
  const after = await eventually(lookup, (answer) => answer.body.verdict !== 'valid');
  expect(after.body).toMatchObject({
    verdict: 'changed',
    fingerprint: before.body.fingerprint,
    pinnedFingerprint: other,
  });
}, 30_000);

test('the compliance key uploaded through one node is served in the policy of the other', async () => {
  const served = () => api(b, '/api/v1/policy', { token: senderToken });
  expect((await served()).body.policy.complianceKey).toEqual({ fingerprint: fingerprintOf(COMPLIANCE_KEY) });
  const armoredKey = fixture(COMPLIANCE_KEY).toString('utf8');
  const uploaded = await api(a, '/api/v1/admin/keyring', { token: adminToken, body: { armoredKey } });
  expect(uploaded.status).toBe(201);
  const after = await eventually(
    served,
    (answer) => answer.body.policy.complianceKey.armoredKey !== undefined,
  );
  expect(after.body.policy.complianceKey).toEqual({ fingerprint: fingerprintOf(COMPLIANCE_KEY), armoredKey });
});

test('a secure message created on one node opens on the other', async () => {
  const sent = await escrowMessage({
    backendUrl: a.base,
    token: senderToken,
    sender: SENDER,
    message: {
      subject: `Lab results ${RUN}`,
      html: '<p>confidential</p>',
      text: 'confidential',
      attachments: [{ name: 'a.bin', type: 'application/octet-stream', data: randomBytes(200_000) }],
    },
    recipients: [{ address: RECIPIENT, proof: 'code' }],
    expiryDays: 1,
    fetch: nodeFetch,
  });
  const client = await pickupByDeliveredCode(`${b.base}/api/v1/escrow`, sent, RECIPIENT, {
    mailDir: bed.mailDir,
    marks: (raw) => raw.includes(RUN),
  });
  const opened = await client.open();
  expect(opened.manifest.subject).toBe(`Lab results ${RUN}`);
}, 60_000);

test("secure pickup's limit per client network counts the requests of both nodes together", async () => {
  const ask = (node: Node) =>
    statusFrom('127.0.0.9', `${node.base}/api/v1/escrow/pickup/${'x'.repeat(22)}/code`, {
      address: RECIPIENT,
    });
  // Each node sees three of the six requests, under the limit of five: only the count they share is over it.
  expect(await alternating(ESCROW_PER_IP + 1, ask)).toEqual([...Array<number>(ESCROW_PER_IP).fill(202), 429]);
});

/**
 * `count` statuses from alternating nodes under the API's limit `max`: each node decides with what it last heard of
 * the other's count, so the refusals may start up to the documented slack late, but never early, and then stay.
 */
function expectApproximateLimit(statuses: number[], max: number, allowed: number): void {
  const admitted = statuses.filter((status) => status !== 429).length;
  expect(statuses.slice(0, max)).toEqual(Array<number>(max).fill(allowed));
  expect(admitted).toBeLessThanOrEqual(max + limitSlack(max, 2));
  expect(statuses.slice(-2)).toEqual([429, 429]);
}

test("the API's limits per client network and per caller count the requests of both nodes together", async () => {
  // Counted before authentication: requests without a token (guesses, say) use up the network's share too.
  const anyone = (node: Node) => statusFrom('127.0.0.10', `${node.base}/api/v1/policy`);
  const overNetwork = API_PER_IP + limitSlack(API_PER_IP, 2) + 2;
  expectApproximateLimit(await alternating(overNetwork, anyone), API_PER_IP, 401);

  const token = await issueWithCli(['--name', 'Busy']);
  const caller = (node: Node) => statusFrom('127.0.0.11', `${node.base}/api/v1/policy`, undefined, token);
  const overCaller = API_PER_CALLER + limitSlack(API_PER_CALLER, 2) + 2;
  expectApproximateLimit(await alternating(overCaller, caller), API_PER_CALLER, 200);
});

test('the transport and mailbox-access reports outlive a restart: the node started again answers both from the database', async () => {
  const domain = 'sts-enforce.sendguard.test';
  const first = await api(a, `/api/v1/domains/${domain}`, { token: senderToken });
  expect(first.body).toMatchObject({
    verdict: 'authenticated',
    mailboxAccess: { checkedAt: expect.any(String) },
  });
  await a.close();
  a = await startNode(a.dataDir);
  const again = await api(a, `/api/v1/domains/${domain}`, { token: senderToken });
  // The same reports, transport and mailbox access, not new checks: a check would have a time of its own.
  expect(again.body).toEqual(first.body);
  const metrics = await api(a, '/metrics', { token: adminToken });
  expect(metrics.body).toMatch(/sendguard_cache_lookups_total\{check="transport",result="hit"\} 1\n/);
  expect(metrics.body).not.toMatch(/sendguard_cache_lookups_total\{check="transport",result="miss"\}/);
  // Its MTA-STS policy is kept for its max_age, for any node's next check.
  const side = await openPostgresStore(databaseUrl);
  try {
    const kept = await side.stsPolicies.get(domain);
    expect(kept?.value.policy.mode).toBe('enforce');
    expect(kept?.expiresAt).toBe(kept!.value.fetchedAt + kept!.value.policy.maxAge * 1000);
    // The mailbox-access report the pane showed is the one any node answers until it expires.
    const mailbox = await side.mailboxReports.get(domain);
    expect(mailbox?.value.checkedAt).toBe(first.body.mailboxAccess.checkedAt);
  } finally {
    await side.close();
  }
}, 60_000);

test('a node whose key file holds another key refuses to start, saying what to do', async () => {
  const otherKey = join(scratchDir('other-key'), 'escrow-server.key');
  writeFileSync(otherKey, randomBytes(32).toString('base64'));
  await expect(createServer(nodeSettings(withPseudonymKey(), { serverKeyFile: otherKey }))).rejects.toThrow(
    `the escrow server key in ${otherKey} is not the key of this database, which already holds secure messages sealed with a server key: copy the key file from a node that already runs, or set escrow.serverKeyFile to where it is`,
  );
});

test('a node without a key file, on a database that knows one, refuses rather than make a new key', async () => {
  const missing = join(scratchDir('no-key'), 'escrow-server.key');
  await expect(createServer(nodeSettings(withPseudonymKey(), { serverKeyFile: missing }))).rejects.toThrow(
    `the escrow server key file ${missing} does not exist`,
  );
});
