/**
 * The policy preview end to end: `sendguard serve` (the built command, API tokens required, as deployed) holding
 * decision records that a sender's token reported through the real `POST /api/v1/decisions`, and the console in
 * Chromium signed in with an admin's token. The admin edits the policy in the Policy page and presses Preview;
 * every figure the page shows (messages per action, recipients per protection, the domains that move, the count
 * of messages sent differently) equals a replay this test computes on its own, planning each reported message with
 * core's planMessage under the running policy and under the edited one. Saving then makes the edited text the
 * policy every client gets from `GET /api/v1/policy`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { DecisionReport } from '../../src/core/decisions/record';
import type { Recipient } from '../../src/core/addresses';
import { planMessage, type Plan } from '../../src/core/plan';
import { parsePolicy } from '../../src/core/policy/parse';
import type { Policy } from '../../src/core/policy/schema';
import {
  PROTECTIONS,
  type KeySource,
  type KeyVerdict,
  type MessageAction,
  type Protection,
  type TransportVerdict,
  protectionTitle,
} from '../../src/core/vocabulary';
import { ACTION_NAMES } from '../../src/admin/pages/policy-wire';
import { DEFAULT_POLICY_FILE } from '../helpers/policy';
import { ROOT } from '../outlook/built-addin';
import { callApi, openConsole, startConsoleService, type ConsoleService } from './pages-serve';
import { tableCells } from './console-page';

const ARTIFACTS = join(ROOT, 'artifacts', 'issue21');
const RUNNING_TEXT = readFileSync(DEFAULT_POLICY_FILE, 'utf8');
/**
 * The edit: normal mail must now travel over TLS (plain mail becomes forced TLS or more), and confidential mail
 * over authenticated TLS (merely encrypted routes fall to OpenPGP or secure pickup).
 */
const EDITED_TEXT = RUNNING_TEXT.replace(
  /(- name: normal\n(?:.*\n){1}\s*requirement:) none/,
  '$1 transport',
).replace(/(- name: confidential\n(?:.*\n){1}\s*requirement:) transport\n/, '$1 transport-authenticated\n');

/** One external recipient domain as the send checks found it, and what its addresses' keys were. */
interface PartnerDomain {
  domain: string;
  transport: TransportVerdict;
  key: KeyVerdict;
  keySource?: KeySource;
}

const PARTNERS: PartnerDomain[] = [
  { domain: 'dane-partner.example', transport: 'authenticated', key: 'none' },
  { domain: 'opportunistic.example', transport: 'encrypted', key: 'none' },
  { domain: 'keyholder.example', transport: 'encrypted', key: 'valid', keySource: 'wkd' },
  { domain: 'plaintext.example', transport: 'none', key: 'none' },
  { domain: 'half-tls.example', transport: 'partial', key: 'valid', keySource: 'vks' },
];
const CLASSIFICATIONS = ['normal', 'confidential', 'restricted'];

/** A message the test reports: its classification, its recipients (partners by index, `-1` an internal colleague). */
interface Sent {
  classification: string;
  to: number[];
  passcodeSet: boolean;
}

/** A spread of messages over every classification and mix of partners, some with a colleague in copy. */
function messages(): Sent[] {
  const sent: Sent[] = [];
  CLASSIFICATIONS.forEach((classification, c) => {
    PARTNERS.forEach((_, p) => {
      sent.push({ classification, to: [p], passcodeSet: false });
      sent.push({ classification, to: [p, (p + 1 + c) % PARTNERS.length, -1], passcodeSet: p % 2 === 0 });
    });
  });
  return sent;
}

function recipientsOf(message: Sent, n: number): Array<{ address: string; partner?: PartnerDomain }> {
  return message.to.map((p, i) =>
    p < 0
      ? { address: `colleague${n}@example.gov` }
      : { address: `person${n}-${i}@${PARTNERS[p]!.domain}`, partner: PARTNERS[p]! },
  );
}

/** What the send check knew, as core's plan reads it: written here from the test's own partners, not the records. */
function plan(message: Sent, n: number, policy: Policy): Plan {
  const recipients = recipientsOf(message, n);
  const asRecipient = ({ address }: { address: string }): Recipient => ({
    address,
    localPart: address.split('@')[0]!,
    domain: address.split('@')[1]!,
    fields: ['to'],
  });
  return planMessage({
    recipients: recipients.map(asRecipient),
    assessments: {
      domains: PARTNERS.map(({ domain, transport }) => ({ domain, verdict: transport, reasons: [] })),
      keys: recipients.map(({ address, partner }) => ({
        address,
        verdict: partner?.key ?? 'none',
        ...(partner?.keySource ? { source: partner.keySource } : {}),
        reasons: [],
      })),
    },
    classification: message.classification,
    policy,
    passcodeSet: message.passcodeSet,
  });
}

const OUTCOME: Record<MessageAction, DecisionReport['outcome']> = {
  send: 'allowed',
  tag: 'tagged',
  pgp: 'protected',
  escrow: 'protected',
  split: 'protected',
  block: 'blocked',
};

/** The report the add-in sends after its send check under the running policy. */
function report(message: Sent, n: number, running: Policy): DecisionReport {
  const planned = plan(message, n, running);
  return {
    host: n % 2 ? 'outlook' : 'thunderbird',
    classification: message.classification,
    action: planned.action,
    outcome: OUTCOME[planned.action],
    passcodeSet: message.passcodeSet,
    recipients: recipientsOf(message, n).map(({ address, partner }, i) => ({
      address,
      internal: partner === undefined,
      ...(partner ? { transport: partner.transport } : {}),
      key: partner?.key ?? 'none',
      ...(partner?.keySource ? { keySource: partner.keySource } : {}),
      protection: planned.recipients[i]!.protection,
    })),
  };
}

/** The preview's figures as the page's tables show them, computed by planning every message under both policies. */
function expectedTables(sent: Sent[], running: Policy, edited: Policy) {
  const actions = Object.fromEntries(Object.keys(ACTION_NAMES).map((a) => [a, [0, 0]])) as Record<
    MessageAction,
    [number, number]
  >;
  const protections = Object.fromEntries(PROTECTIONS.map((p) => [p, [0, 0]])) as Record<
    Protection,
    [number, number]
  >;
  const moves = new Map<string, number>();
  let changed = 0;
  sent.forEach((message, n) => {
    const before = plan(message, n, running);
    const after = plan(message, n, edited);
    actions[before.action][0]++;
    actions[after.action][1]++;
    let differs = before.action !== after.action;
    before.recipients.forEach((was, i) => {
      const now = after.recipients[i]!;
      protections[was.protection][0]++;
      protections[now.protection][1]++;
      if (was.protection === now.protection) return;
      differs = true;
      const key = [was.address.split('@')[1], was.protection, now.protection].join(' ');
      moves.set(key, (moves.get(key) ?? 0) + 1);
    });
    if (differs) changed++;
  });
  const change = ([b, a]: [number, number]) => (a - b > 0 ? `+${a - b}` : String(a - b));
  const row = (name: string, counts: [number, number]) => [
    name,
    String(counts[0]),
    String(counts[1]),
    change(counts),
  ];
  return {
    changed,
    actions: (Object.keys(ACTION_NAMES) as MessageAction[]).map((a) => row(ACTION_NAMES[a], actions[a])),
    protections: PROTECTIONS.map((p) => row(protectionTitle(p), protections[p])),
    domains: [...moves]
      .map(([key, recipients]) => {
        const [domain, from, to] = key.split(' ') as [string, Protection, Protection];
        return [domain, protectionTitle(from), protectionTitle(to), String(recipients)];
      })
      .sort((a, b) => Number(b[3]) - Number(a[3]) || a[0]!.localeCompare(b[0]!)),
  };
}

let consoleService: ConsoleService;
let page: Page;
const SENT = messages();
const running = parsePolicy(RUNNING_TEXT);
const edited = parsePolicy(EDITED_TEXT);

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  consoleService = await startConsoleService();
  for (const [n, message] of SENT.entries()) {
    const { senderToken } = consoleService;
    const answer = await callApi(consoleService, senderToken, '/decisions', report(message, n, running));
    if (answer.status !== 204)
      throw new Error(`reporting: HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  page = await openConsole(consoleService, 'Policy');
}, 600_000);

/** GET /api/v1/policy as a sender's client asks it. */
const servedPolicy = async () =>
  (await callApi(consoleService, consoleService.senderToken, '/policy')).body as {
    version: string;
    policy: Policy;
  };

test('the edit is a real one: it changes how some reported messages would go', () => {
  expect(EDITED_TEXT).not.toBe(RUNNING_TEXT);
  expect(edited.classifications.find((c) => c.name === 'normal')?.requirement).toBe('transport');
  expect(edited.classifications.find((c) => c.name === 'confidential')?.requirement).toBe(
    'transport-authenticated',
  );
  expect(expectedTables(SENT, running, edited).changed).toBeGreaterThan(0);
});

test("Preview shows the figures of the test's own replay of every reported message", async () => {
  const expected = expectedTables(SENT, running, edited);
  await page.getByLabel('Policy (YAML)').fill(EDITED_TEXT);
  await page.getByText(/The edited policy is valid/).waitFor();
  await page.getByText(/lines? added/).waitFor();
  await page.getByRole('button', { name: 'Preview' }).click();
  await page
    .getByText(
      new RegExp(
        `^Replayed ${SENT.length} send checks from .*: ${expected.changed} would be sent differently under the edited policy\\.$`,
      ),
    )
    .waitFor();
  const header = ['Running policy', 'Edited policy'];
  expect(await tableCells(page, 'Messages per action')).toEqual([
    ['Action', ...header, 'Change'],
    ...expected.actions,
  ]);
  expect(await tableCells(page, 'Recipients per protection')).toEqual([
    ['Protection', ...header, 'Change'],
    ...expected.protections,
  ]);
  expect(expected.domains.length).toBeGreaterThan(0);
  expect(await tableCells(page, 'Domains whose recipients would move to another protection')).toEqual([
    ['Domain', ...header, 'Recipients'],
    ...expected.domains,
  ]);
  // The chart beside the table is drawn (its bars are SVG rectangles).
  await page.locator('svg rect').first().waitFor();
  const shot = join(ARTIFACTS, 'policy-preview.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);
});

test('Save makes the edited text the policy every client gets', async () => {
  const before = await servedPolicy();
  await page.getByLabel('Note for the history').fill('Normal mail over TLS; confidential over verified TLS');
  // Save is offered for the text previewed, with the preview said beside it.
  await page.getByText(/^What saving changes: Replayed \d+ send checks from /).waitFor();
  await page.getByRole('button', { name: 'Save policy' }).click();
  const saved = await page.getByText(/^The policy was saved as version (\S+)\./).textContent();
  const version = /version (\S+)\./.exec(saved ?? '')![1]!;
  const body = await servedPolicy();
  expect(body.version).toBe(version);
  expect(body.version).not.toBe(before.version);
  expect(body.policy.classifications.find((c) => c.name === 'confidential')?.requirement).toBe(
    'transport-authenticated',
  );
  const history = await tableCells(page, 'Policy history');
  expect(history[1]).toEqual([
    expect.stringMatching(/^[1-9]\d*$/),
    version,
    expect.any(String),
    expect.any(String),
    'Normal mail over TLS; confidential over verified TLS',
    'Show changes',
  ]);
  // The row opens what the version changed, through GET /admin/policy/versions/:revision.
  const revision = history[1]![0]!;
  await page.getByRole('button', { name: `Show the changes in revision ${revision}` }).click();
  await page.getByRole('heading', { name: `Changes in revision ${revision}` }).waitFor();
  await (
    revision === '1'
      ? page.getByText(/^Revision 1 is the first saved from the console\./)
      : page.getByText(/^Compared with revision \d+ /)
  ).waitFor();
  await page.getByText(`No changes from the running policy (version ${version}).`).waitFor();
});
