/**
 * The admin's policy API as an admin deploys the service: `createServer` on a data directory of its own (SQLite),
 * the policy file in it, API tokens issued into its database beforehand as `sendguard token` does, and a second
 * service on the same file where a test needs another process. Decision records are written through the store.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DecisionRecord } from '../../../src/core/decisions/record';
import { planMessage } from '../../../src/core/plan';
import { parsePolicy } from '../../../src/core/policy/parse';
import type { Policy } from '../../../src/core/policy/schema';
import { PROTECTIONS, type Protection } from '../../../src/core/vocabulary';
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
    baseVersion: before.body.version,
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
    version,
    text: NO_TLS_FOR_CONFIDENTIAL,
    source: 'console',
    savedBy: ADMIN.address,
    savedAt: expect.any(String),
    note: 'confidential mail by OpenPGP or secure pickup only',
    history: [
      {
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
      baseVersion: before.body.version,
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
  const saved = await call(app, d.admin, 'PUT', '/admin/policy', { text: stricter, baseVersion: version });
  expect(saved.body.restartNeeded).toEqual(['keys.minRsaBits']);
  // Back as the service started: nothing waits any more.
  const back = await call(app, d.admin, 'PUT', '/admin/policy', {
    text: POLICY_TEXT,
    baseVersion: saved.body.version,
  });
  expect(back.body).toEqual({ version, restartNeeded: [] });

  const invalid = await call(app, d.admin, 'PUT', '/admin/policy', {
    text: POLICY_TEXT.replace('organisation: Example Agency', 'organisation: ""'),
    baseVersion: version,
  });
  expect(invalid.status).toBe(400);
  expect(invalid.body.error).toMatchObject({
    code: 'POLICY_INVALID',
    errors: [expect.objectContaining({ path: 'organisation', line: 4 })],
  });
  expect((await call(app, d.admin, 'GET', '/admin/policy')).body.history).toHaveLength(2);
});

test('a saved version naming a compliance key the keyring lacks is warned of, as at start', async () => {
  const d = await deployment();
  const log = logCollector();
  const app = await d.start(log);
  const { version } = (await call(app, d.admin, 'GET', '/admin/policy')).body;
  const fingerprint = 'A'.repeat(40);
  const text = `${POLICY_TEXT}\ncomplianceKey:\n  fingerprint: ${fingerprint}\n`;
  expect((await call(app, d.admin, 'PUT', '/admin/policy', { text, baseVersion: version })).status).toBe(200);
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
    ['PUT', '/admin/policy', { text: POLICY_TEXT, baseVersion: policyVersion(RUNNING) }],
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

/** Decision records over the last days, of every shape the preview has to rebuild. */
function records(now: number): Array<Omit<DecisionRecord, 'id'>> {
  const base = {
    host: 'outlook',
    sender: 'ana@example.gov',
    pseudonymous: false,
    policyVersion: 'v0',
    outcome: 'protected',
    passcodeSet: false,
  } as const;
  const external = (
    address: string,
    transport: DecisionRecord['recipients'][number]['transport'],
    key: 'valid' | 'none' = 'none',
    protection: Protection = 'tls',
  ) => ({
    address,
    domain: address.slice(address.indexOf('@') + 1),
    internal: false,
    transport,
    key,
    ...(key === 'valid' ? { keySource: 'wkd' as const } : {}),
    protection,
  });
  const internal = (address: string) => ({
    address,
    domain: 'example.gov',
    internal: true,
    key: 'none' as const,
    protection: 'internal' as const,
  });
  const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000).toISOString();
  return [
    {
      ...base,
      at: at(1),
      classification: 'confidential',
      action: 'tag',
      recipients: [external('bo@partner.example', 'encrypted'), internal('cy@example.gov')],
    },
    {
      ...base,
      at: at(2),
      classification: 'confidential',
      action: 'tag',
      recipients: [external('di@partnerbank.example', 'none')],
    },
    {
      ...base,
      at: at(3),
      classification: 'confidential',
      action: 'pgp',
      recipients: [external('ed@keys.example', 'encrypted', 'valid', 'pgp')],
    },
    {
      ...base,
      at: at(5),
      classification: 'normal',
      action: 'send',
      recipients: [external('fa@plain.example', 'none', 'none', 'none')],
    },
    {
      ...base,
      at: at(30),
      classification: 'restricted',
      action: 'escrow',
      passcodeSet: true,
      recipients: [
        external('gu@partner.example', 'authenticated', 'none', 'escrow'),
        external('ha@keys.example', 'encrypted', 'valid', 'escrow'),
      ],
    },
    // A classification the policy no longer has counts as its default.
    {
      ...base,
      at: at(48),
      classification: 'secret',
      action: 'send',
      recipients: [external('io@partner.example', 'encrypted', 'none', 'none')],
    },
    // Pseudonymous addresses keep their domain, which is all the policy looks at.
    {
      ...base,
      at: at(72),
      pseudonymous: true,
      sender: `${'a'.repeat(32)}@example.gov`,
      classification: 'confidential',
      action: 'tag',
      recipients: [
        external(`${'b'.repeat(32)}@partner.example`, 'authenticated'),
        { ...external(`${'c'.repeat(32)}@signin.example`, 'none', 'none', 'escrow'), signIn: 'entra' },
      ],
    },
    // Older than the 30 days previewed by default.
    {
      ...base,
      at: at(40 * 24),
      classification: 'confidential',
      action: 'tag',
      recipients: [external('jo@partner.example', 'encrypted')],
    },
  ] as Array<Omit<DecisionRecord, 'id'>>;
}

/** What the preview must answer, worked out here: each record planned by `planMessage` under both policies. */
function expectedPreview(stored: Array<Omit<DecisionRecord, 'id'>>, before: Policy, after: Policy) {
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
  const plan = (r: Omit<DecisionRecord, 'id'>, policy: Policy) =>
    planMessage({
      recipients: r.recipients.map((x) => ({
        address: x.address,
        localPart: x.address.split('@')[0]!,
        domain: x.domain,
        fields: ['to'],
      })),
      assessments: {
        domains: r.recipients
          .filter((x) => x.transport)
          .map((x) => ({ domain: x.domain, verdict: x.transport!, reasons: [] })),
        keys: r.recipients.map((x) => ({
          address: x.address,
          verdict: x.key,
          ...(x.keySource ? { source: x.keySource } : {}),
          reasons: [],
        })),
        signIn: r.recipients
          .filter((x) => x.signIn)
          .map((x) => ({ address: x.address, provider: x.signIn!, label: x.signIn! })),
      },
      classification: policy.classifications.some((c) => c.name === r.classification)
        ? r.classification
        : policy.defaultClassification,
      policy,
      passcodeSet: r.passcodeSet,
    });
  for (const r of stored) {
    const [was, now] = [plan(r, before), plan(r, after)];
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
  const stored = records(now);
  for (const record of stored) await d.store.decisions.insert(record);
  const recent = stored.slice(0, -1);
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
  expect(longer.body.messages).toBe(stored.length);
  expect(longer.body.changedMessages).toBe(expectedPreview(stored, RUNNING, edited).changedMessages);

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
  const shapes = records(now).slice(0, -1);
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
