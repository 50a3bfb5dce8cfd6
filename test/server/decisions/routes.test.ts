/**
 * The decision routes as deployed (API tokens on): a sender reports, an admin reads the records back and the
 * overview counted from them. Pseudonyms are worked out here with node:crypto, apart from the service's code.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DecisionRecord, DecisionReport } from '../../../src/core/decisions/record';
import { PROTECTIONS } from '../../../src/core/vocabulary';
import { issueApiToken } from '../../../src/server/auth/api-tokens';
import type { ConfigInput } from '../../../src/server/config/schema';
import { issuerProviderId } from '../../../src/server/escrow/sign-in/directory';
import { openMemoryStore } from '../../../src/server/store/memory';
import { ManualClock } from '../../helpers/clock';
import { deployedTestApp } from '../api/fakes';
import {
  DAY,
  expectedDays,
  expectedKeyCoverage,
  expectedTopDomains,
  expectedTransportShare,
  record,
  recipient,
} from './records';

const START = Date.parse('2026-05-10T09:30:00.000Z');

interface Deployed {
  app: FastifyInstance;
  clock: ManualClock;
  /** A sender's token with an owner, ana@example.org; the admin's; a sender's with no owner. */
  ana: string;
  admin: string;
  ownerless: string;
}

async function deploy(key: Uint8Array, config: ConfigInput = {}): Promise<Deployed> {
  const clock = new ManualClock(START);
  const store = openMemoryStore();
  const built = await deployedTestApp({ config, deps: { store, clock, decisionKey: key } });
  const ana = await issueApiToken(store.tokens, {
    name: "Ana's Thunderbird",
    role: 'sender',
    owner: { name: 'Ana Example', address: 'ana@example.org' },
  });
  return {
    app: built.app,
    clock,
    ana: `Bearer ${ana.token}`,
    admin: built.adminAuthorization,
    ownerless: built.authorization,
  };
}

const KEY = randomBytes(32);
let d: Deployed;
beforeEach(async () => {
  d = await deploy(KEY);
});
afterEach(() => d.app.close());

/** The contract's pseudonym, computed here: 32 hex digits of HMAC-SHA256(key, mailboxKey) @ domain. */
function pseudonym(key: Uint8Array, address: string): string {
  return `${createHmac('sha256', key).update(address).digest('hex').slice(0, 32)}@${address.split('@')[1]}`;
}

function report(more: Partial<DecisionReport> = {}): DecisionReport {
  return {
    host: 'thunderbird',
    classification: 'confidential',
    action: 'escrow',
    outcome: 'protected',
    passcodeSet: true,
    recipients: [
      {
        address: 'Bo@Partner.Example',
        internal: false,
        transport: 'none',
        key: 'none',
        protection: 'escrow',
      },
      {
        address: 'cy@example.org',
        internal: true,
        key: 'valid',
        keySource: 'org',
        protection: 'internal',
      },
    ],
    ...more,
  };
}

const post = (body: unknown, authorization = d.ana, app = d.app) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/decisions',
    headers: { authorization },
    payload: body as object,
  });

async function records(on = d, query = 'from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z') {
  const answer = await on.app.inject({
    url: `/api/v1/admin/decisions?${query}`,
    headers: { authorization: on.admin },
  });
  expect(answer.statusCode).toBe(200);
  return answer.json();
}

test('a sender reports; the admin reads it back stamped by the service, every address a pseudonym', async () => {
  const answer = await post(report());
  expect(answer.statusCode).toBe(204);
  const { version } = (
    await d.app.inject({ url: '/api/v1/policy', headers: { authorization: d.ana } })
  ).json();
  const { records: kept, next } = await records();
  expect(next).toBeUndefined();
  expect(kept).toEqual([
    {
      id: expect.stringMatching(/^[0-9a-f]{28}$/),
      at: new Date(START).toISOString(),
      policyVersion: version,
      host: 'thunderbird',
      sender: pseudonym(KEY, 'ana@example.org'),
      pseudonymous: true,
      classification: 'confidential',
      action: 'escrow',
      outcome: 'protected',
      passcodeSet: true,
      recipients: [
        {
          address: pseudonym(KEY, 'bo@partner.example'),
          domain: 'partner.example',
          internal: false,
          transport: 'none',
          key: 'none',
          protection: 'escrow',
        },
        {
          address: pseudonym(KEY, 'cy@example.org'),
          domain: 'example.org',
          internal: true,
          key: 'valid',
          keySource: 'org',
          protection: 'internal',
        },
      ],
    },
  ]);
});

test('one address has one pseudonym however it was typed; another key gives it another', async () => {
  await post(report());
  await post(report({ recipients: [{ ...report().recipients[0]!, address: ' bo@partner.EXAMPLE. ' }] }));
  const [first, second] = (await records()).records;
  expect(second.recipients[0].address).toBe(first.recipients[0].address);
  expect(second.sender).toBe(first.sender);

  const other = await deploy(randomBytes(32));
  try {
    expect((await post(report(), other.ana, other.app)).statusCode).toBe(204);
    const [elsewhere] = (await records(other)).records;
    expect(elsewhere.recipients[0].address).not.toBe(first.recipients[0].address);
    expect(elsewhere.recipients[0].address).toMatch(/^[0-9a-f]{32}@partner\.example$/);
    expect(elsewhere.sender).not.toBe(first.sender);
  } finally {
    await other.app.close();
  }
});

test('a caller no address names (a token without an owner) is kept as a pseudonym of its subject', async () => {
  expect((await post(report(), d.ownerless)).statusCode).toBe(204);
  const [kept] = (await records()).records;
  expect(kept.sender).toMatch(/^[0-9a-f]{32}$/);
});

test('with decisions.fullAddresses the addresses are kept in their comparison form', async () => {
  const full = await deploy(KEY, { decisions: { fullAddresses: true } });
  try {
    await post(report(), full.ana, full.app);
    const [kept] = (await records(full)).records;
    expect(kept.pseudonymous).toBe(false);
    expect(kept.sender).toBe('ana@example.org');
    expect(kept.recipients.map((r: { address: string }) => r.address)).toEqual([
      'bo@partner.example',
      'cy@example.org',
    ]);
  } finally {
    await full.app.close();
  }
});

describe('refused reports, and nothing kept of them', () => {
  const recipient = report().recipients[0]!;
  test.each([
    ['a subject', { ...report(), subject: 'Salary review' }],
    ['an attachment name', { ...report(), attachments: ['salaries.xlsx'] }],
    ['a body on a recipient', { ...report(), recipients: [{ ...recipient, body: 'Dear Bo' }] }],
    ['no recipients', report({ recipients: [] })],
    ['501 recipients', report({ recipients: Array.from({ length: 501 }, () => recipient) })],
    ['a 65-character classification', report({ classification: 'c'.repeat(65) })],
    ['an empty classification', report({ classification: '' })],
    [
      'a 321-character address',
      report({ recipients: [{ ...recipient, address: `${'b'.repeat(308)}@partner.example` }] }),
    ],
    ['an unknown outcome', { ...report(), outcome: 'sent' }],
    ['an unknown host', { ...report(), host: 'mutt' }],
  ])('%s', async (_what, body) => {
    const answer = await post(body);
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error.code).toBe('VALIDATION_FAILED');
    expect((await records()).records).toEqual([]);
  });

  test('a recipient that is no address', async () => {
    const answer = await post(report({ recipients: [{ ...recipient, address: 'not an address' }] }));
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error).toEqual({
      code: 'ADDRESS_INVALID',
      message: 'to: "not an address" has no @: it is not an email address',
    });
    expect((await records()).records).toEqual([]);
  });

  test('500 recipients are the most a report may have', async () => {
    const many = Array.from({ length: 500 }, (_, n) => ({ ...recipient, address: `r${n}@partner.example` }));
    expect((await post(report({ recipients: many }))).statusCode).toBe(204);
    expect((await records()).records[0].recipients).toHaveLength(500);
  });
});

test('without a token nothing is kept; a sender token is refused on the admin routes', async () => {
  const unsigned = await d.app.inject({ method: 'POST', url: '/api/v1/decisions', payload: report() });
  expect(unsigned.statusCode).toBe(401);
  for (const url of [
    '/api/v1/admin/decisions?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z',
    '/api/v1/admin/overview',
  ]) {
    for (const authorization of [d.ana, d.ownerless]) {
      const answer = await d.app.inject({ url, headers: { authorization } });
      expect(answer.statusCode).toBe(403);
      expect(answer.json().error.code).toBe('FORBIDDEN');
    }
    expect((await d.app.inject({ url })).statusCode).toBe(401);
  }
  expect((await records()).records).toEqual([]);
});

/** When each record listed was made, in minutes after START. */
const minutesOf = (listed: { records: DecisionRecord[] }) =>
  listed.records.map((r) => (Date.parse(r.at) - START) / 60_000);

test('without a range, every record kept up to now is listed', async () => {
  await post(report());
  d.clock.advance(60_000);
  await post(report());
  const answer = await d.app.inject({ url: '/api/v1/admin/decisions', headers: { authorization: d.admin } });
  expect(minutesOf(answer.json())).toEqual([0, 1]);
  const since = new Date(d.clock.now()).toISOString();
  const later = await d.app.inject({
    url: `/api/v1/admin/decisions?from=${since}`,
    headers: { authorization: d.admin },
  });
  expect(minutesOf(later.json())).toEqual([1]);
});

test('records are listed a page at a time within the range asked for', async () => {
  for (let n = 0; n < 5; n += 1) {
    await post(report());
    d.clock.advance(60_000);
  }
  const from = new Date(START + 60_000).toISOString();
  const to = new Date(START + 4 * 60_000).toISOString();
  const first = await records(d, `from=${from}&to=${to}&limit=2`);
  expect(minutesOf(first)).toEqual([1, 2]);
  const second = await records(d, `from=${from}&to=${to}&limit=2&after=${first.next}`);
  expect(minutesOf(second)).toEqual([3]);
  expect(second.next).toBeUndefined();
});

test.each([
  ['/api/v1/admin/decisions?from=2026-01-01'],
  ['/api/v1/admin/decisions?from=yesterday&to=2026-01-01T00:00:00Z'],
  ['/api/v1/admin/decisions?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&limit=5001'],
  ['/api/v1/admin/decisions?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&limit=0'],
  ['/api/v1/admin/decisions?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&after=../x'],
  ['/api/v1/admin/overview?days=0'],
  ['/api/v1/admin/overview?days=366'],
  ['/api/v1/admin/overview?days=7&more=1'],
  ['/api/v1/admin/overview?days=07'],
])('%s is refused', async (url) => {
  const answer = await d.app.inject({ url, headers: { authorization: d.admin } });
  expect(answer.statusCode).toBe(400);
});

test('the overview lists every day of the window with the figures counted from the records reported', async () => {
  /** What was reported and when, with addresses in their comparison form: the figures are worked out from this. */
  const reported: Array<{
    at: string;
    outcome: DecisionReport['outcome'];
    recipients: Array<DecisionReport['recipients'][number] & { domain: string }>;
  }> = [];
  const send = async (recipients: DecisionReport['recipients'], outcome: DecisionReport['outcome']) => {
    expect((await post(report({ recipients, outcome }))).statusCode).toBe(204);
    reported.push({
      at: new Date(d.clock.now()).toISOString(),
      outcome,
      recipients: recipients.map((r) => ({
        ...r,
        address: r.address.toLowerCase(),
        domain: r.address.split('@')[1]!.toLowerCase(),
      })),
    });
    // A second apart, so that which record is the latest is not left to chance.
    d.clock.advance(1000);
  };
  const external = (
    address: string,
    protection: 'tls' | 'pgp' | 'escrow' | 'none' | 'blocked',
    more = {},
  ) => ({
    address,
    internal: false,
    transport: 'encrypted' as const,
    key: 'none' as const,
    protection,
    ...more,
  });
  const internal = (address: string) => ({
    address,
    internal: true,
    key: 'none' as const,
    protection: 'internal' as const,
  });

  // Ten days back: outside a seven-day window.
  d.clock.advance(-10 * DAY);
  await send([external('old@gone.example', 'blocked')], 'blocked');
  d.clock.advance(5 * DAY);
  await send(
    [external('bo@partner.example', 'escrow', { transport: 'none' }), internal('cy@example.org')],
    'protected',
  );
  await send([external('Bo@Partner.example', 'pgp', { key: 'valid', keySource: 'wkd' })], 'protected');
  d.clock.advance(3 * DAY);
  await send([external('di@third.example', 'blocked', { transport: 'no-mail' })], 'blocked');
  await send(
    [
      external('ed@fourth.example', 'tls', { transport: 'authenticated' }),
      external('fy@third.example', 'escrow'),
    ],
    'tagged',
  );
  d.clock.advance(2 * DAY);
  // Stopped with an offer to send anyway: counted as blocked, not as the pickup the plan wanted.
  await send([external('ha@fifth.example', 'escrow', { transport: 'weak' })], 'prompted');
  await send(
    [internal('gu@example.org'), external('ha@fifth.example', 'none', { transport: 'weak' })],
    'allowed',
  );

  const answer = await d.app.inject({
    url: '/api/v1/admin/overview?days=7',
    headers: { authorization: d.admin },
  });
  expect(answer.statusCode).toBe(200);
  const overview = answer.json();

  const today = Math.floor(d.clock.now() / DAY);
  const from = (today - 6) * DAY;
  const to = (today + 1) * DAY;
  const stored = reported;
  const counted = new Map(expectedDays(stored, from, to).map(({ day, ...rest }) => [day, rest]));
  const empty = { messages: 0, ...Object.fromEntries(PROTECTIONS.map((p) => [p, 0])) };
  expect(overview.from).toBe(new Date(from).toISOString());
  expect(overview.to).toBe(new Date(to).toISOString());
  expect(overview.days).toEqual(
    Array.from({ length: 7 }, (_, n) => ({
      day: new Date((today - 6 + n) * DAY).toISOString().slice(0, 10),
      ...(counted.get(today - 6 + n) ?? empty),
    })),
  );
  expect(overview.days.filter((day: { messages: number }) => day.messages > 0)).toHaveLength(3);
  expect(overview.topDomains).toEqual(expectedTopDomains(stored, from, to, 10));
  expect(overview.topDomains.map((x: { domain: string }) => x.domain)).toEqual([
    'third.example',
    'fifth.example',
    'partner.example',
  ]);
  const share = new Map(expectedTransportShare(stored, from, to).map((s) => [s.verdict, s.domains]));
  expect(overview.transportShare).toEqual(
    ['no-mail', 'unknown', 'broken', 'none', 'partial', 'weak', 'encrypted', 'authenticated'].map(
      (verdict) => ({
        verdict,
        domains: share.get(verdict as never) ?? 0,
      }),
    ),
  );
  expect(overview.keyCoverage).toEqual(expectedKeyCoverage(stored, from, to));
  expect(overview.keyCoverage).toEqual({ withKey: 1, total: 5 });
});

test('5000 records a page and 365 days are the most one may ask for', async () => {
  const range = 'from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z';
  for (const url of [
    `/api/v1/admin/decisions?${range}&limit=5000`,
    `/api/v1/admin/decisions?${range}&limit=4999`,
    `/api/v1/admin/decisions?${range}&limit=1`,
    '/api/v1/admin/overview?days=365',
    '/api/v1/admin/overview?days=359',
    '/api/v1/admin/overview?days=1',
  ]) {
    expect((await d.app.inject({ url, headers: { authorization: d.admin } })).statusCode).toBe(200);
  }
  const year = await d.app.inject({
    url: '/api/v1/admin/overview?days=365',
    headers: { authorization: d.admin },
  });
  expect(year.json().days).toHaveLength(365);
});

test('the overview covers 30 days by default, and a day with no records is listed with zeros', async () => {
  const answer = await d.app.inject({ url: '/api/v1/admin/overview', headers: { authorization: d.admin } });
  const overview = answer.json();
  expect(overview.days).toHaveLength(30);
  expect(overview.days.at(-1)).toEqual({
    day: '2026-05-10',
    messages: 0,
    ...Object.fromEntries(PROTECTIONS.map((p) => [p, 0])),
  });
  expect(overview.topDomains).toEqual([]);
  expect(overview.keyCoverage).toEqual({ withKey: 0, total: 0 });
});

test('a classification the running policy does not have is kept as its default; a sign-in provider the service does not name is left out', async () => {
  const { policy } = (
    await d.app.inject({ url: '/api/v1/policy', headers: { authorization: d.ana } })
  ).json();
  const [bo, cy] = report().recipients;
  const typed = (classification: string, signIn: string) =>
    post(report({ classification, recipients: [{ ...bo!, signIn }, cy!] }));
  expect((await typed('Q3 layoffs: Ana, Bo, Cy', 'Re: the merger with Globex')).statusCode).toBe(204);
  d.clock.advance(1000);
  expect((await typed('restricted', 'microsoft')).statusCode).toBe(204);
  const kept = (await records()).records;
  expect(kept.map((r: DecisionRecord) => [r.classification, r.recipients[0]!.signIn])).toEqual([
    [policy.defaultClassification, undefined],
    ['restricted', 'microsoft'],
  ]);
  expect(JSON.stringify(kept)).not.toMatch(/layoffs|Globex/);
});

test('a configured issuer is a sign-in provider the service names, recorded as it is named', async () => {
  const issuer = 'https://login.partner.example/';
  const configured = await deploy(KEY, {
    escrow: {
      signIn: {
        issuers: [{ domains: ['partner.example'], issuer, clientId: 'sendguard', label: 'Partner' }],
      },
    },
  } as ConfigInput);
  try {
    const [bo, cy] = report().recipients;
    const signIn = issuerProviderId(issuer);
    const posted = await post(
      report({ recipients: [{ ...bo!, signIn }, cy!] }),
      configured.ana,
      configured.app,
    );
    expect(posted.statusCode).toBe(204);
    expect((await records(configured)).records[0].recipients[0].signIn).toBe(signIn);
  } finally {
    await configured.app.close();
  }
});

test('a page of records ends before its recipients pass 50 000, and the next page goes on from there', async () => {
  const store = openMemoryStore();
  const built = await deployedTestApp({ deps: { store, clock: new ManualClock(START), decisionKey: KEY } });
  try {
    const full = Array.from({ length: 500 }, (_, n) => recipient(`r${n}@partner.example`, 'tls'));
    // 101 records of 500 recipients: 50 500 in all, so the first page stops at 100 records (50 000 recipients).
    for (let n = 0; n < 101; n += 1) await store.decisions.insert(record(START + n * 1000, full));
    const page = async (after?: string) => {
      const answer = await built.app.inject({
        url: `/api/v1/admin/decisions?to=2100-01-01T00:00:00Z&limit=5000${after ? `&after=${after}` : ''}`,
        headers: { authorization: built.adminAuthorization },
      });
      expect(answer.statusCode).toBe(200);
      return answer.json() as { records: DecisionRecord[]; next?: string };
    };
    const first = await page();
    expect(first.records).toHaveLength(100);
    expect(first.records.reduce((sum, r) => sum + r.recipients.length, 0)).toBe(50_000);
    expect(first.next).toBe(first.records.at(-1)!.id);
    const second = await page(first.next);
    expect(second.records.map((r) => r.recipients.length)).toEqual([500]);
    expect(second.next).toBeUndefined();
  } finally {
    await built.app.close();
  }
}, 60_000);
