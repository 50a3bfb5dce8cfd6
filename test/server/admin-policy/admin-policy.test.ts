/**
 * The admin's policy API as an admin deploys the service: `createServer` on a data directory of its own (SQLite),
 * the policy file in it, API tokens issued into its database beforehand as `sendguard token` does, and a second
 * service on the same file where a test needs another process. Decision records are written through the store.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DecisionRecord } from '../../../src/core/decisions/record';
import { planMessage, type PlanInput } from '../../../src/core/plan';
import { parsePolicy } from '../../../src/core/policy/parse';
import type { Policy } from '../../../src/core/policy/schema';
import { PROTECTIONS, type TransportVerdict } from '../../../src/core/vocabulary';
import { PREVIEW_LIMITS } from '../../../src/server/admin-policy/preview';
import { policyVersion } from '../../../src/server/api/policy';
import { issueApiToken } from '../../../src/server/auth/api-tokens';
import { createServer } from '../../../src/server/serve';
import { openSqliteStore, type SqliteStore } from '../../../src/server/store/sqlite';
import { bedServerConfig } from '../../helpers/bed-services';
import { DEFAULT_POLICY_FILE } from '../../helpers/policy';
import { scratchDir, stopAtFileEnd } from '../../helpers/scratch';
import { testbed, type Testbed } from '../../helpers/testbed';
import { logCollector } from '../api/fakes';

const ADMIN = { name: 'Ops Admin', address: 'ops@example.gov' };
const DAY = 86_400_000;

/** The shipped policy with an override the admin wrote comments around and in. */
const POLICY_TEXT = readFileSync(DEFAULT_POLICY_FILE, 'utf8').replace(
  'domains: []\n',
  `domains:
  # Signed with Partner Bank in 2024; review yearly.
  - domain: partnerbank.example
    trustTransport: authenticated # gateway rule 17
    note: The gateway enforces verified TLS to Partner Bank.
`,
);
const RUNNING = parsePolicy(POLICY_TEXT);
/** An edit: confidential mail no longer goes by forced TLS, so it moves to OpenPGP or secure pickup. */
const NO_TLS_FOR_CONFIDENTIAL = POLICY_TEXT.replace(
  '  - name: confidential\n    label: Confidential (personal data)\n    requirement: transport\n    prefer: [tls, pgp, escrow]',
  '  - name: confidential\n    label: Confidential (personal data)\n    requirement: transport\n    prefer: [pgp, escrow]',
);

let bed: Testbed;
beforeAll(() => {
  bed = testbed();
  expect(NO_TLS_FOR_CONFIDENTIAL).not.toBe(POLICY_TEXT);
});

interface Deployment {
  dataDir: string;
  /** The service's database, opened as another process would (the decision records are written through it). */
  store: SqliteStore;
  admin: string;
  sender: string;
  start(log?: ReturnType<typeof logCollector>): Promise<FastifyInstance>;
}

async function deployment(): Promise<Deployment> {
  const dataDir = scratchDir('admin-policy');
  const policyFile = join(dataDir, 'policy.yaml');
  writeFileSync(policyFile, POLICY_TEXT);
  const store = openSqliteStore(dataDir);
  stopAtFileEnd(() => store.close());
  const admin = await issueApiToken(store.tokens, { name: 'ops', role: 'admin', owner: ADMIN });
  const sender = await issueApiToken(store.tokens, {
    name: 'ann',
    role: 'sender',
    owner: { address: 'ann@example.gov' },
  });
  return {
    dataDir,
    store,
    admin: `Bearer ${admin.token}`,
    sender: `Bearer ${sender.token}`,
    async start(log) {
      const config = bedServerConfig(bed, dataDir, {
        tls: { enabled: false },
        auth: { apiTokens: true },
        policyFile,
        logLevel: log ? 'info' : 'silent',
      });
      const server = await createServer(config, log ? { logStream: log } : {});
      stopAtFileEnd(server.close);
      return server.app;
    },
  };
}

async function call(
  app: FastifyInstance,
  authorization: string,
  method: string,
  url: string,
  payload?: unknown,
) {
  const response = await app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: { authorization },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

test('GET /admin/policy: the policy file is in force, with its text as written and no saved version', async () => {
  const d = await deployment();
  const log = logCollector();
  const app = await d.start(log);
  expect((await call(app, d.admin, 'GET', '/admin/policy')).body).toEqual({
    revision: 0,
    version: policyVersion(RUNNING),
    text: POLICY_TEXT,
    source: 'file',
    history: [],
  });
  expect(log.text()).toContain('the policy file is in force');
});

test('check: a syntax error with its line and column, a schema error with its path and line', async () => {
  const d = await deployment();
  const app = await d.start();
  const broken = POLICY_TEXT.replace('    prefer: [pgp, escrow]', '    prefer: [pgp, escrow');
  const syntax = await call(app, d.admin, 'POST', '/admin/policy/check', { text: broken });
  expect(syntax.status).toBe(200);
  expect(syntax.body.valid).toBe(false);
  expect(syntax.body.errors[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
  expect(syntax.body.errors[0].line).toBeGreaterThanOrEqual(lineOf(broken, 'prefer: [pgp, escrow\n'));

  const wrong = POLICY_TEXT.replace('    requirement: end-to-end', '    requirement: strongest');
  const schema = await call(app, d.admin, 'POST', '/admin/policy/check', { text: wrong });
  expect(schema.body).toEqual({
    valid: false,
    errors: [
      {
        message: expect.stringContaining('none'),
        path: 'classifications[2].requirement',
        line: lineOf(wrong, 'requirement: strongest'),
        column: 5,
      },
    ],
  });

  const fine = await call(app, d.admin, 'POST', '/admin/policy/check', { text: NO_TLS_FOR_CONFIDENTIAL });
  expect(fine.body).toEqual({
    valid: true,
    version: policyVersion(parsePolicy(NO_TLS_FOR_CONFIDENTIAL)),
    errors: [],
  });
});

test('save: in force at once here, in a second service on the same database, and after a restart; a stale base is refused', async () => {
  const d = await deployment();
  const log = logCollector();
  const app = await d.start(log);
  const other = await d.start();
  const before = await call(app, d.admin, 'GET', '/policy');
  const otherBefore = await call(other, d.sender, 'GET', '/policy');
  expect(otherBefore.body.version).toBe(before.body.version);

  const saved = await call(app, d.admin, 'PUT', '/admin/policy', {
    text: NO_TLS_FOR_CONFIDENTIAL,
    baseRevision: 0,
    note: 'confidential mail by OpenPGP or secure pickup only',
  });
  const version = policyVersion(parsePolicy(NO_TLS_FOR_CONFIDENTIAL));
  expect(saved).toMatchObject({ status: 200, body: { version, restartNeeded: [] } });

  // Served here at once, under a new ETag: the copy a pane kept is no longer current.
  const after = await call(app, d.sender, 'GET', '/policy');
  expect(after.body.version).toBe(version);
  expect(after.body.policy.classifications[1].prefer).toEqual(['pgp', 'escrow']);
  expect(after.headers.etag).not.toBe(before.headers.etag);
  const kept = await app.inject({
    url: '/api/v1/policy',
    headers: { authorization: d.sender, 'if-none-match': String(before.headers.etag) },
  });
  expect(kept.statusCode).toBe(200);
  expect((await call(app, d.sender, 'POST', '/assess', { recipients: [] })).body.policyVersion).toBe(version);

  // The other service on the same database follows.
  const otherAfter = await call(other, d.sender, 'GET', '/policy');
  expect(otherAfter.body.version).toBe(version);
  expect(otherAfter.headers.etag).toBe(after.headers.etag);
  const listed = (await call(other, d.admin, 'GET', '/admin/policy')).body;
  expect(listed).toEqual({
    revision: 1,
    version,
    text: NO_TLS_FOR_CONFIDENTIAL,
    source: 'console',
    savedBy: ADMIN.address,
    savedAt: expect.any(String),
    note: 'confidential mail by OpenPGP or secure pickup only',
    history: [
      {
        revision: 1,
        version,
        savedBy: ADMIN.address,
        savedAt: listed.savedAt,
        note: 'confidential mail by OpenPGP or secure pickup only',
      },
    ],
  });
  const line = JSON.parse(log.lines.find((l) => l.includes('policy version saved'))!);
  expect(line).toMatchObject({ savedBy: ADMIN.address, version, seq: 1 });

  // An edit made on the version before is refused, on either service.
  for (const service of [app, other]) {
    const stale = await call(service, d.admin, 'PUT', '/admin/policy', {
      text: POLICY_TEXT,
      baseRevision: 0,
    });
    expect(stale).toMatchObject({ status: 409, body: { error: { code: 'POLICY_CHANGED' } } });
  }

  // A restart keeps the saved version over the file, and says so.
  const restartLog = logCollector();
  const restarted = await d.start(restartLog);
  expect((await call(restarted, d.sender, 'GET', '/policy')).body.version).toBe(version);
  expect(restartLog.text()).toContain('a policy version saved through the API is in force');
});

test('save: settings the key service reads at start are named as waiting for a restart; an invalid text is refused with its errors', async () => {
  const d = await deployment();
  const app = await d.start();
  const { version } = (await call(app, d.admin, 'GET', '/admin/policy')).body;
  const stricter = POLICY_TEXT.replace('  minRsaBits: 2048', '  minRsaBits: 3072');
  const saved = await call(app, d.admin, 'PUT', '/admin/policy', { text: stricter, baseRevision: 0 });
  expect(saved.body.restartNeeded).toEqual(['keys.minRsaBits']);
  // Back as the service started: nothing waits any more.
  const back = await call(app, d.admin, 'PUT', '/admin/policy', {
    text: POLICY_TEXT,
    baseRevision: 1,
  });
  expect(back.body).toEqual({ version, restartNeeded: [] });

  const invalid = await call(app, d.admin, 'PUT', '/admin/policy', {
    text: POLICY_TEXT.replace('organisation: Example Agency', 'organisation: ""'),
    baseRevision: 2,
  });
  expect(invalid.status).toBe(400);
  expect(invalid.body.error).toMatchObject({
    code: 'POLICY_INVALID',
    errors: [expect.objectContaining({ path: 'organisation', line: 4 })],
  });
  expect((await call(app, d.admin, 'GET', '/admin/policy')).body.history).toHaveLength(2);
});

test("save: a stale editor's save is refused though the text in force differs from theirs only in comments; each saved version is read back by its revision", async () => {
  const d = await deployment();
  const app = await d.start();
  const commented = `${POLICY_TEXT}# Reviewed with the DPO, December.\n`;
  const first = await call(app, d.admin, 'PUT', '/admin/policy', {
    text: commented,
    baseRevision: 0,
    note: 'a comment only',
  });
  // The same policy, so the same version: only the revision tells the two texts apart.
  expect(first).toMatchObject({ status: 200, body: { version: policyVersion(RUNNING) } });
  const stale = await call(app, d.admin, 'PUT', '/admin/policy', {
    text: NO_TLS_FOR_CONFIDENTIAL,
    baseRevision: 0,
  });
  expect(stale).toMatchObject({ status: 409, body: { error: { code: 'POLICY_CHANGED' } } });
  const inForce = (await call(app, d.admin, 'GET', '/admin/policy')).body;
  expect(inForce).toMatchObject({ revision: 1, text: commented });
  // The old field is refused, not taken for a base.
  const old = { text: NO_TLS_FOR_CONFIDENTIAL, baseVersion: inForce.version };
  expect((await call(app, d.admin, 'PUT', '/admin/policy', old)).status).toBe(400);

  const second = await call(app, d.admin, 'PUT', '/admin/policy', {
    text: NO_TLS_FOR_CONFIDENTIAL,
    baseRevision: 1,
  });
  expect(second.status).toBe(200);
  const read = await call(app, d.admin, 'GET', '/admin/policy/versions/1');
  expect(read).toMatchObject({ status: 200 });
  expect(read.body).toEqual({
    revision: 1,
    version: policyVersion(RUNNING),
    text: commented,
    savedBy: ADMIN.address,
    savedAt: expect.any(String),
    note: 'a comment only',
  });
  expect((await call(app, d.admin, 'GET', '/admin/policy/versions/2')).body).toMatchObject({
    revision: 2,
    version: second.body.version,
    text: NO_TLS_FOR_CONFIDENTIAL,
  });
  expect((await call(app, d.admin, 'GET', '/admin/policy/versions/3')).status).toBe(404);
  expect((await call(app, d.admin, 'GET', '/admin/policy/versions/0')).status).toBe(400);
  expect((await call(app, d.admin, 'GET', '/admin/policy/versions/one')).status).toBe(400);
});

test('a saved version naming a compliance key the keyring lacks is warned of, as at start', async () => {
  const d = await deployment();
  const log = logCollector();
  const app = await d.start(log);
  const fingerprint = 'A'.repeat(40);
  const text = `${POLICY_TEXT}\ncomplianceKey:\n  fingerprint: ${fingerprint}\n`;
  expect((await call(app, d.admin, 'PUT', '/admin/policy', { text, baseRevision: 0 })).status).toBe(200);
  const warning = log.lines.map((line) => JSON.parse(line)).find((line) => line.fingerprint === fingerprint);
  expect(warning?.msg).toMatch(
    /^the compliance key is neither in the policy nor in the organisation keyring/,
  );
});

test('overrides: set, changed and removed in the text in force, every comment the admin wrote kept', async () => {
  const d = await deployment();
  const app = await d.start();
  const comments = [
    '# Signed with Partner Bank in 2024; review yearly.',
    '# gateway rule 17',
    '# Per-domain exceptions',
  ];
  const text = async () => (await call(app, d.admin, 'GET', '/admin/policy')).body.text as string;
  const overrides = async () => parsePolicy(await text()).domains;

  const set = await call(app, d.admin, 'PUT', '/admin/overrides/Clinic.Example', {
    requirement: 'end-to-end',
    note: 'Patient data agreement requires end-to-end encryption.',
  });
  expect(set.status).toBe(200);
  expect(await overrides()).toEqual([
    RUNNING.domains[0],
    {
      domain: 'clinic.example',
      requirement: 'end-to-end',
      note: 'Patient data agreement requires end-to-end encryption.',
    },
  ]);
  expect((await call(app, d.sender, 'GET', '/policy')).body.version).toBe(set.body.version);

  await call(app, d.admin, 'PUT', '/admin/overrides/partnerbank.example', {
    trustTransport: 'encrypted',
    note: 'Rule 17 now enforces TLS without verification.',
  });
  expect((await overrides())[0]).toEqual({
    domain: 'partnerbank.example',
    trustTransport: 'encrypted',
    note: 'Rule 17 now enforces TLS without verification.',
  });
  for (const comment of comments) expect(await text()).toContain(comment);

  const removed = await call(app, d.admin, 'DELETE', '/admin/overrides/clinic.example');
  expect(removed.status).toBe(200);
  expect((await overrides()).map((o) => o.domain)).toEqual(['partnerbank.example']);
  for (const comment of comments) expect(await text()).toContain(comment);
  const { history } = (await call(app, d.admin, 'GET', '/admin/policy')).body;
  expect(history.map((v: { note: string }) => v.note)).toEqual([
    'override for clinic.example removed',
    'override for partnerbank.example set: Rule 17 now enforces TLS without verification.',
    'override for clinic.example set: Patient data agreement requires end-to-end encryption.',
  ]);
  expect(await call(app, d.admin, 'DELETE', '/admin/overrides/clinic.example')).toMatchObject({
    status: 404,
  });
  expect(await call(app, d.admin, 'PUT', '/admin/overrides/not a domain', { note: 'x' })).toMatchObject({
    status: 400,
  });
});

test('a sender token is refused on every route of the policy administration, and no token is asked for one', async () => {
  const d = await deployment();
  const app = await d.start();
  const routes: Array<[string, string, unknown?]> = [
    ['GET', '/admin/policy'],
    ['POST', '/admin/policy/check', { text: POLICY_TEXT }],
    ['POST', '/admin/policy/preview', { text: POLICY_TEXT }],
    ['PUT', '/admin/policy', { text: POLICY_TEXT, baseRevision: 0 }],
    ['GET', '/admin/policy/versions/1'],
    ['PUT', '/admin/overrides/clinic.example', { note: 'x', requirement: 'end-to-end' }],
    ['DELETE', '/admin/overrides/partnerbank.example'],
  ];
  for (const [method, url, body] of routes) {
    expect(await call(app, d.sender, method, url, body)).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
    expect((await app.inject({ method: method as 'GET', url: `/api/v1${url}` })).statusCode).toBe(401);
  }
  expect((await call(app, d.admin, 'GET', '/admin/policy')).body.history).toEqual([]);
});

/**
 * A message as the send check planned it: its recipients with what was assessed of them (reasons and sign-in labels
 * as the service gives them, which the records do not keep), its classification and passcode.
 */
interface Sent {
  hoursAgo: number;
  classification: string;
  passcodeSet?: boolean;
  /** The record keeps pseudonyms, not these addresses. */
  pseudonymous?: boolean;
  to: Array<{ address: string; transport?: TransportVerdict; key?: 'valid' | 'none'; signIn?: string }>;
}

/** Messages over the last days, of every shape the preview has to rebuild. */
const SENT: Sent[] = [
  {
    hoursAgo: 1,
    classification: 'confidential',
    to: [{ address: 'Bo@partner.example', transport: 'encrypted' }, { address: 'cy@example.gov' }],
  },
  {
    hoursAgo: 2,
    classification: 'confidential',
    to: [{ address: 'di@partnerbank.example', transport: 'none' }],
  },
  {
    hoursAgo: 3,
    classification: 'confidential',
    to: [{ address: 'ed@keys.example', transport: 'encrypted', key: 'valid' }],
  },
  { hoursAgo: 5, classification: 'normal', to: [{ address: 'fa@plain.example', transport: 'none' }] },
  {
    hoursAgo: 30,
    classification: 'restricted',
    passcodeSet: true,
    to: [
      { address: 'gu@partner.example', transport: 'authenticated' },
      { address: 'ha@keys.example', transport: 'encrypted', key: 'valid' },
    ],
  },
  // Planned under an earlier policy that had this classification; the preview counts it as the default.
  { hoursAgo: 48, classification: 'secret', to: [{ address: 'io@partner.example', transport: 'encrypted' }] },
  {
    hoursAgo: 72,
    classification: 'confidential',
    pseudonymous: true,
    to: [
      { address: 'ju@partner.example', transport: 'authenticated' },
      { address: 'ka@signin.example', transport: 'none', signIn: 'entra' },
    ],
  },
  // Older than the 30 days previewed by default.
  {
    hoursAgo: 40 * 24,
    classification: 'confidential',
    to: [{ address: 'lu@partner.example', transport: 'encrypted' }],
  },
];

/** `sent`'s plan input under `policy`, as the send check had it; a classification `policy` lacks is its default. */
function inputOf(sent: Sent, policy: Policy): PlanInput {
  const recipients = sent.to.map(({ address }) => {
    const [localPart, domain] = address.split('@') as [string, string];
    return { address, localPart, domain, fields: ['to' as const] };
  });
  const known = policy.classifications.some((c) => c.name === sent.classification);
  return {
    recipients,
    assessments: {
      domains: sent.to.flatMap(({ address, transport }) =>
        transport
          ? [{ domain: address.split('@')[1]!, verdict: transport, reasons: ['checked just now'] }]
          : [],
      ),
      keys: sent.to.map(({ address, key = 'none' }) => ({
        address,
        verdict: key,
        ...(key === 'valid' ? { source: 'wkd' as const } : {}),
        reasons: [key === 'valid' ? 'found by WKD' : 'none found'],
      })),
      signIn: sent.to.flatMap(({ address, signIn }) =>
        signIn ? [{ address, provider: signIn, label: 'Microsoft Entra ID' }] : [],
      ),
    },
    classification: known ? sent.classification : policy.defaultClassification,
    policy,
    passcodeSet: sent.passcodeSet ?? false,
  };
}

/** The decision record the send check reported for `sent`: the plan under the policy of the day (`RUNNING`). */
function recordOf(sent: Sent, now: number): Omit<DecisionRecord, 'id'> {
  const plan = planMessage(inputOf(sent, RUNNING));
  const pseudonym = (i: number) => `${String(i).repeat(32)}@`;
  return {
    at: new Date(now - sent.hoursAgo * 3_600_000).toISOString(),
    policyVersion: 'v0',
    host: 'outlook',
    sender: sent.pseudonymous ? `${'a'.repeat(32)}@example.gov` : 'ana@example.gov',
    pseudonymous: sent.pseudonymous ?? false,
    classification: sent.classification,
    action: plan.action,
    outcome: 'protected',
    passcodeSet: sent.passcodeSet ?? false,
    recipients: sent.to.map(({ address, transport, key = 'none', signIn }, i) => {
      const domain = address.split('@')[1]!;
      return {
        address: sent.pseudonymous ? `${pseudonym(i + 1)}${domain}` : address.toLowerCase(),
        domain,
        internal: transport === undefined,
        ...(transport ? { transport } : {}),
        key,
        ...(key === 'valid' ? { keySource: 'wkd' as const } : {}),
        ...(signIn ? { signIn } : {}),
        protection: plan.recipients[i]!.protection,
      };
    }),
  };
}

/** What the preview must answer for `sent`, worked out from the messages as sent, not from their records. */
function expectedPreview(sent: Sent[], before: Policy, after: Policy) {
  const actions = ['send', 'tag', 'pgp', 'escrow', 'split', 'block'] as const;
  const zero = <K extends string>(keys: readonly K[]) =>
    Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  const figures = {
    messages: 0,
    before: zero(actions),
    after: zero(actions),
    recipientsBefore: zero(PROTECTIONS),
    recipientsAfter: zero(PROTECTIONS),
    changedMessages: 0,
  };
  const moves = new Map<string, number>();
  for (const message of sent) {
    const [was, now] = [planMessage(inputOf(message, before)), planMessage(inputOf(message, after))];
    figures.messages++;
    figures.before[was.action]++;
    figures.after[now.action]++;
    let changed = was.action !== now.action;
    was.recipients.forEach((x, i) => {
      const y = now.recipients[i]!;
      figures.recipientsBefore[x.protection]++;
      figures.recipientsAfter[y.protection]++;
      if (x.protection === y.protection) return;
      changed = true;
      const key = `${x.domain} ${x.protection} ${y.protection}`;
      moves.set(key, (moves.get(key) ?? 0) + 1);
    });
    if (changed) figures.changedMessages++;
  }
  const domains = [...moves].map(([key, recipients]) => {
    const [domain, from, to] = key.split(' ') as [string, string, string];
    return { domain, from, to, recipients };
  });
  return { ...figures, domains };
}

const byKey = (list: Array<{ domain: string; from: string; to: string }>) =>
  [...list].sort((a, b) => `${a.domain} ${a.from} ${a.to}`.localeCompare(`${b.domain} ${b.from} ${b.to}`));

test('preview: the recent records replayed under the policy in force and the edited one, figures as planMessage gives them; nothing saved', async () => {
  const d = await deployment();
  const app = await d.start();
  const now = Date.now();
  for (const sent of SENT) await d.store.decisions.insert(recordOf(sent, now));
  const recent = SENT.slice(0, -1);
  const edited = parsePolicy(NO_TLS_FOR_CONFIDENTIAL);

  const preview = await call(app, d.admin, 'POST', '/admin/policy/preview', {
    text: NO_TLS_FOR_CONFIDENTIAL,
  });
  expect(preview.status).toBe(200);
  const expected = expectedPreview(recent, RUNNING, edited);
  const { domains, from, to, ...figures } = preview.body;
  const { domains: expectedDomains, ...expectedFigures } = expected;
  expect(figures).toEqual(expectedFigures);
  expect(byKey(domains)).toEqual(byKey(expectedDomains));
  expect(domains.map((m: { recipients: number }) => m.recipients)).toEqual(
    [...domains.map((m: { recipients: number }) => m.recipients)].sort((a, b) => b - a),
  );
  expect(Date.parse(to) - Date.parse(from)).toBe(30 * DAY);
  // The edit moves forced TLS elsewhere: the figures show it, not a replay that changes nothing.
  expect(expected.changedMessages).toBeGreaterThan(0);
  expect(expected.after.tag).toBeLessThan(expected.before.tag);

  const longer = await call(app, d.admin, 'POST', '/admin/policy/preview', {
    text: NO_TLS_FOR_CONFIDENTIAL,
    days: 60,
  });
  expect(longer.body.messages).toBe(SENT.length);
  expect(longer.body.changedMessages).toBe(expectedPreview(SENT, RUNNING, edited).changedMessages);

  const unchanged = await call(app, d.admin, 'POST', '/admin/policy/preview', { text: POLICY_TEXT });
  expect(unchanged.body).toMatchObject({ messages: recent.length, changedMessages: 0, domains: [] });
  expect(unchanged.body.before).toEqual(unchanged.body.after);

  const invalid = await call(app, d.admin, 'POST', '/admin/policy/preview', { text: 'schema: 2\n' });
  expect(invalid).toMatchObject({ status: 400, body: { error: { code: 'POLICY_INVALID' } } });
  expect((await call(app, d.admin, 'GET', '/admin/policy')).body).toMatchObject({
    source: 'file',
    history: [],
  });
});

test(`preview: 5000 records, each of another shape, replayed within the preview's budget (${PREVIEW_LIMITS.budgetMs} ms)`, async () => {
  const d = await deployment();
  const app = await d.start();
  const now = Date.now();
  const shapes = SENT.slice(0, -1).map((sent) => recordOf(sent, now));
  // Every record to domains of its own: no two plan alike, so nothing planned once serves another record.
  for (let i = 0; i < 5000; i++) {
    const shape = shapes[i % shapes.length]!;
    const recipients = shape.recipients.map((r) =>
      r.internal ? r : { ...r, address: r.address.replace('@', `@d${i}.`), domain: `d${i}.${r.domain}` },
    );
    await d.store.decisions.insert({
      ...shape,
      recipients,
      at: new Date(now - (i + 1) * 60_000).toISOString(),
    });
  }
  const started = performance.now();
  const preview = await call(app, d.admin, 'POST', '/admin/policy/preview', {
    text: NO_TLS_FOR_CONFIDENTIAL,
  });
  const elapsed = performance.now() - started;
  expect(preview.body.messages).toBe(5000);
  expect(preview.body.changedMessages).toBeGreaterThan(0);
  expect(elapsed).toBeLessThan(PREVIEW_LIMITS.budgetMs);
  process.stdout.write(`5000-record preview, every record of another shape: ${Math.round(elapsed)} ms\n`);
}, 120_000);

/** The one-based line of the first occurrence of `text` in `within`. */
function lineOf(within: string, text: string): number {
  return within.slice(0, within.indexOf(text)).split('\n').length;
}
