/**
 * The assembled service (`createServer`, authentication on as deployed) with the real mailbox-access check against
 * the test bed's Dovecot: the assess answer gives each external domain's mailbox access and, with a sender, the
 * reply path; the domain report gives the mailbox access with its evidence.
 */
import { readFile } from 'node:fs/promises';
import { issueApiToken } from '../../../src/server/auth/api-tokens';
import { createServer, type Server } from '../../../src/server/serve';
import { openSqliteStore } from '../../../src/server/store/sqlite';
import { bedServerConfig } from '../../helpers/bed-services';
import { httpsJson } from '../../helpers/https-json';
import { scratchDir, stopAtFileEnd } from '../../helpers/scratch';
import { testbed } from '../../helpers/testbed';

let server: Server;
let base: string;
let token: string;
let ca: string;

beforeAll(async () => {
  const dataDir = scratchDir('mailbox-served');
  const config = bedServerConfig(testbed(), dataDir, {
    publicUrl: 'https://sendguard.example.org',
    auth: { apiTokens: true },
  });
  const store = openSqliteStore(dataDir);
  token = (await issueApiToken(store.tokens, { name: 'Ann', role: 'sender' })).token;
  await store.close();
  server = await createServer(config);
  stopAtFileEnd(server.close);
  base = (await server.app.listen({ host: '127.0.0.1', port: 0 })).replace('127.0.0.1', 'localhost');
  ca = await readFile(server.devCaFile!, 'utf8');
}, 60_000);

const authorization = () => ({ authorization: `Bearer ${token}` });

/** Asks until no check is still running, as the pane does (asking for mailbox access, to wait for it). */
async function settledAnswer(body: Record<string, unknown>) {
  for (let attempt = 0; attempt < 40; attempt++) {
    const res = await httpsJson(`${base}/api/v1/assess`, { ca, headers: authorization(), body });
    expect(res.status).toBe(200);
    if (!res.body.partial) return res.body;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the answer stayed partial');
}

test('each external recipient’s mailbox access, and the sender’s reply path, from the real checks', async () => {
  const answer = await settledAnswer({
    recipients: [
      'ann@mbx-tls-only.sendguard.test',
      'bob@mbx-tls-offered.sendguard.test',
      'clerk@example.gov',
    ],
    sender: 'me@dane-ee.sendguard.test',
    mailboxAccess: true,
  });
  const [ann, bob, clerk] = answer.recipients;
  expect(ann.transport.mailboxAccess).toMatchObject({ verdict: 'tls-only', checkedAt: expect.any(String) });
  expect(bob.transport.mailboxAccess.verdict).toBe('tls-offered');
  // The reason names the endpoint that lets a password through; its wording is the mailbox module's.
  expect(bob.transport.mailboxAccess.reasons[0]).toContain('imap.mbx-tls-offered.sendguard.test:143');
  expect(bob.transport.mailboxAccess).not.toHaveProperty('evidence');
  expect(clerk.transport).toBeUndefined();
  expect(answer.replyPath).toMatchObject({ domain: 'dane-ee.sendguard.test', verdict: 'authenticated' });
}, 60_000);

test('the domain report gives the mailbox access with its evidence', async () => {
  const res = await httpsJson(`${base}/api/v1/domains/mbx-expired.sendguard.test`, {
    ca,
    headers: authorization(),
  });
  expect(res.status).toBe(200);
  const access = res.body.mailboxAccess;
  expect(access.verdict).toBe('tls-only');
  expect(access.reasons.join(' ')).toContain('certificate expired on 2020-03-01');
  expect(access.evidence.endpoints[0]).toMatchObject({
    protocol: 'imap',
    host: 'imap.mbx-expired.sendguard.test',
  });
  expect(access.evidence).not.toHaveProperty('domain');
}, 30_000);
