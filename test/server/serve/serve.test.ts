/**
 * The assembled service over real HTTPS (development certificate) with the real transport and key services
 * against the offline test bed, and the embedded SQLite store in a temporary data directory. Authentication is
 * on, as an admin deploys it: callers carry API tokens issued into that store.
 */
import { readFile } from 'node:fs/promises';
import { issueApiToken } from '../../../src/server/auth/api-tokens';
import { createServer, type Server } from '../../../src/server/serve';
import { openSqliteStore } from '../../../src/server/store/sqlite';
import { runCli } from '../../helpers/cli';
import { httpsJson } from '../../helpers/https-json';
import { bedServerConfig } from '../../helpers/bed-services';
import { scratchDir, stopAtFileEnd } from '../../helpers/scratch';
import { testbed } from '../../helpers/testbed';

let server: Server;
let base: string;
let senderToken: string;
let adminToken: string;
let ca: string;
let dataDir: string;

beforeAll(async () => {
  const bed = testbed();
  dataDir = scratchDir('serve');
  const config = bedServerConfig(bed, dataDir, {
    publicUrl: 'https://sendguard.example.org',
    auth: { apiTokens: true },
  });
  const store = openSqliteStore(dataDir);
  senderToken = (await issueApiToken(store.tokens, { name: 'Ann', role: 'sender' })).token;
  adminToken = (await issueApiToken(store.tokens, { name: 'Ops', role: 'admin' })).token;
  await store.close();
  server = await createServer(config);
  stopAtFileEnd(server.close);
  const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
  base = address.replace('127.0.0.1', 'localhost');
  ca = await readFile(server.devCaFile!, 'utf8');
}, 60_000);

const as = (token: string) => ({ authorization: `Bearer ${token}` });

describe('the service, assembled', () => {
  test('the start page says what is served', async () => {
    const page = await httpsJson(`${base}/`, { ca });
    expect(page.status).toBe(200);
    for (const download of ['/manifest.xml', '/manifest.json', '/app-package.zip'])
      expect(page.text).toContain(`<a href="${download}">`);
    expect(page.text).toContain('/api/v1/openapi.json');
  });

  test('POST /api/v1/assess answers with real verdicts and keys from the bed in one round trip', async () => {
    const res = await httpsJson(`${base}/api/v1/assess`, {
      ca,
      headers: as(senderToken),
      body: {
        recipients: [
          'alice@wkd.sendguard.test',
          'Bob <bob@partial.sendguard.test>',
          'x@dane-ee.sendguard.test',
          'not an address',
        ],
      },
    });
    expect(res.status).toBe(200);
    const byAddress = Object.fromEntries(res.body.recipients.map((r: any) => [r.address, r]));
    expect(byAddress['bob@partial.sendguard.test'].transport.verdict).toBe('partial');
    expect(byAddress['x@dane-ee.sendguard.test'].transport.verdict).toBe('authenticated');
    expect(byAddress['alice@wkd.sendguard.test'].key).toMatchObject({ verdict: 'valid', source: 'wkd' });
    expect(byAddress['alice@wkd.sendguard.test'].key.armoredKey).toContain('BEGIN PGP PUBLIC KEY BLOCK');
    expect(res.body.invalid).toEqual([expect.objectContaining({ input: 'not an address' })]);
  }, 30_000);

  test('GET /api/v1/domains/:domain gives the full report with evidence', async () => {
    const res = await httpsJson(`${base}/api/v1/domains/sts-enforce.sendguard.test`, {
      ca,
      headers: as(senderToken),
    });
    expect(res.status).toBe(200);
    expect(res.body.verdict).toBe('authenticated');
    expect(res.body.evidence.mtaSts).toMatchObject({ state: 'policy', policy: { mode: 'enforce' } });
  });

  test('an admin pin on another key makes the next lookup `changed`: the stored verdict is dropped', async () => {
    const before = await httpsJson(`${base}/api/v1/keys/carol@wkd.sendguard.test`, {
      ca,
      headers: as(senderToken),
    });
    expect(before.body.verdict).toBe('valid');
    const other = 'F'.repeat(40);
    const pinned = await httpsJson(`${base}/api/v1/admin/pins/carol@wkd.sendguard.test`, {
      ca,
      headers: as(adminToken),
      method: 'PUT',
      body: { fingerprint: other },
    });
    expect(pinned.status).toBe(200);
    const after = await httpsJson(`${base}/api/v1/keys/carol@wkd.sendguard.test`, {
      ca,
      headers: as(senderToken),
    });
    expect(after.body).toMatchObject({
      verdict: 'changed',
      fingerprint: before.body.fingerprint,
      pinnedFingerprint: other,
    });
  }, 30_000);

  test('/manifest.xml is rendered for the public URL and send mode, as a download', async () => {
    const res = await httpsJson(`${base}/manifest.xml`, { ca });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/xml');
    expect(res.text).toContain(
      '<SourceLocation DefaultValue="https://sendguard.example.org/addin/taskpane.html"/>',
    );
    expect(res.text).not.toContain('https://localhost:3000');
    expect(res.text).toContain('SendMode="SoftBlock"');
  });

  test("classic Outlook's send handler carries the deployment's URL, and the well-known file allows it", async () => {
    const handler = await httpsJson(`${base}/addin/launchevent.js`, { ca });
    expect(handler.status).toBe(200);
    expect(handler.text).toContain('https://sendguard.example.org');
    expect(handler.text).not.toContain('https://localhost:3000');
    const allowed = await httpsJson(`${base}/.well-known/microsoft-officeaddins-allowed.json`, { ca });
    expect(allowed.body).toEqual({ allowed: ['https://sendguard.example.org/addin/launchevent.js'] });
  });

  test('the pane may be framed by Outlook and load Office.js; the portal keeps its strict policy', async () => {
    const pane = await httpsJson(`${base}/addin/taskpane.html`, { ca });
    expect(pane.status).toBe(200);
    expect(pane.headers['content-security-policy']).toContain('https://appsforoffice.microsoft.com');
    expect(pane.headers['content-security-policy']).toContain('frame-ancestors');
    expect(pane.headers['x-frame-options']).toBeUndefined();
    const portal = await httpsJson(`${base}/pickup/`, { ca });
    expect(portal.status).toBe(200);
    expect(portal.headers['content-security-policy']).toMatch(/^default-src 'none'/);
    expect(portal.headers['cache-control']).toBe('no-store');
    expect(portal.headers['referrer-policy']).toBe('no-referrer');
  });

  test('secure pickup is served under /api/v1/escrow', async () => {
    const res = await httpsJson(`${base}/api/v1/escrow/messages`, { ca, headers: as(senderToken) });
    expect(res.status).toBe(200);
  });

  test('the API and /metrics need a token; /metrics an admin one', async () => {
    expect((await httpsJson(`${base}/api/v1/policy`, { ca })).status).toBe(401);
    expect((await httpsJson(`${base}/metrics`, { ca })).status).toBe(401);
    expect((await httpsJson(`${base}/metrics`, { ca, headers: as(senderToken) })).status).toBe(403);
    expect((await httpsJson(`${base}/healthz`, { ca })).status).toBe(200);
  });

  test('a token the CLI revokes in the data directory is refused at once, though the service holds it in memory', async () => {
    // The CLI as an admin runs it on the server's machine: another process, another connection to the file.
    const env = { SENDGUARD_DATA_DIR: dataDir };
    const issued = await runCli(['token', 'issue', '--name', 'Leaving'], env);
    expect(issued.code).toBe(0);
    const token = issued.stdout.trim();
    const id = /issued token ([0-9a-f]+)/.exec(issued.stderr)?.[1];
    const me = () => httpsJson(`${base}/api/v1/me`, { ca, headers: as(token) });
    // Twice: the second is answered from memory.
    expect((await me()).status).toBe(200);
    expect((await me()).status).toBe(200);
    expect(await runCli(['token', 'revoke', id!], env)).toMatchObject({ code: 0 });
    expect((await me()).status).toBe(401);
    expect((await httpsJson(`${base}/api/v1/me`, { ca, headers: as(senderToken) })).status).toBe(200);
  });

  test('/metrics counts the checks the services made', async () => {
    const metrics = await httpsJson(`${base}/metrics`, { ca, headers: as(adminToken) });
    expect(metrics.text).toMatch(/sendguard_check_outcomes_total\{check="transport",verdict="partial"\} 1/);
    expect(metrics.text).toMatch(
      /sendguard_cache_lookups_total\{check="transport",result="(hit|miss)"\} \d+/,
    );
  });

  test('an answer from memory counts its outcomes as a check does: once per domain and address asked', async () => {
    const metric = async (series: string) => {
      const { text } = await httpsJson(`${base}/metrics`, { ca, headers: as(adminToken) });
      // A labelled series appears at its first count: missing is 0, so the +1 below is a real count either way.
      const count = new RegExp(`^sendguard_check_outcomes_total\\{${series}\\} (\\d+)$`, 'm').exec(text)?.[1];
      return count === undefined ? 0 : Number(count);
    };
    const series = ['check="transport",verdict="partial"', 'check="key",verdict="valid"'];
    const assess = () =>
      httpsJson(`${base}/api/v1/assess`, {
        ca,
        headers: as(senderToken),
        body: {
          recipients: [
            'bob@partial.sendguard.test',
            'alice@wkd.sendguard.test',
            'Alice <alice@wkd.sendguard.test>',
          ],
        },
      });
    // Asked once first: the token the CLI revoked above is another process's write, which empties what the
    // service holds in memory at the next API-token request, so without this the answers below come from the store.
    await assess();
    const before = await Promise.all(series.map(metric));
    const res = await assess();
    expect(res.body.partial).toBe(false);
    expect(await Promise.all(series.map(metric))).toEqual(before.map((count) => count + 1));
  });
});
