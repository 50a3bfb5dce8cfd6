/**
 * Two service nodes on one PostgreSQL database, each `createServer` with a data directory of its own and the same
 * policy file: a version saved through one node is put in force by the other when it hears of the save, and a
 * save on a node that has not heard of another node's yet is refused rather than written over it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parsePolicy } from '../../../src/core/policy/parse';
import { policyVersion } from '../../../src/server/api/policy';
import { issueApiToken } from '../../../src/server/auth/api-tokens';
import { DECISION_KEY_FILE } from '../../../src/server/decisions/key';
import { createServer } from '../../../src/server/serve';
import { openPostgresStore } from '../../../src/server/store/postgres/open';
import { bedServerConfig } from '../../helpers/bed-services';
import { DEFAULT_POLICY_FILE } from '../../helpers/policy';
import { startPostgres } from '../../helpers/postgres';
import { scratchDir, stopAtFileEnd } from '../../helpers/scratch';
import { testbed } from '../../helpers/testbed';

const POLICY_TEXT = readFileSync(DEFAULT_POLICY_FILE, 'utf8');
const STRICTER = POLICY_TEXT.replace(
  '    requirement: transport\n    prefer: [tls, pgp, escrow]',
  '    requirement: transport-authenticated\n    prefer: [tls, pgp, escrow]',
);

test('a version saved through one node is in force on the other once it hears of it; a save over it is refused', async () => {
  expect(STRICTER).not.toBe(POLICY_TEXT);
  const postgres = await startPostgres();
  const url = await postgres.newDatabase();
  const shared = scratchDir('policy');
  const policyFile = join(shared, 'policy.yaml');
  writeFileSync(policyFile, POLICY_TEXT);
  const tokens = await openPostgresStore(url);
  const admin = `Bearer ${(await issueApiToken(tokens.tokens, { name: 'ops', role: 'admin', owner: { address: 'ops@example.gov' } })).token}`;
  await tokens.close();
  const pseudonymKey = randomBytes(32);
  const node = async (): Promise<FastifyInstance> => {
    const dataDir = scratchDir('node');
    // Every node on one database holds the same pseudonym key, as an admin copies it.
    writeFileSync(join(dataDir, DECISION_KEY_FILE), pseudonymKey, { mode: 0o600 });
    const config = bedServerConfig(testbed(), dataDir, {
      tls: { enabled: false },
      auth: { apiTokens: true },
      database: { url },
      policyFile,
      // Made by the first node, read by the second, as an admin copies it.
      escrow: { serverKeyFile: join(shared, 'escrow-server.key') },
    });
    const server = await createServer(config);
    stopAtFileEnd(server.close);
    return server.app;
  };
  const [a, b] = [await node(), await node()];
  const get = async (app: FastifyInstance, url: string) =>
    (await app.inject({ url: `/api/v1${url}`, headers: { authorization: admin } })).json();
  const put = async (app: FastifyInstance, body: object) =>
    app.inject({
      method: 'PUT',
      url: '/api/v1/admin/policy',
      headers: { authorization: admin },
      payload: body,
    });

  const started = policyVersion(parsePolicy(POLICY_TEXT));
  expect((await get(b, '/policy')).version).toBe(started);
  const saved = await put(a, {
    text: STRICTER,
    baseRevision: 0,
    note: 'confidential needs verified TLS',
  });
  expect(saved.statusCode).toBe(200);
  const version = saved.json().version;
  expect(version).toBe(policyVersion(parsePolicy(STRICTER)));

  // Heard within milliseconds, but not at once: asked until it is, ten seconds at most.
  const deadline = Date.now() + 10_000;
  while ((await get(b, '/policy')).version !== version && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  expect((await get(b, '/policy')).policy.classifications[1].requirement).toBe('transport-authenticated');
  expect(await get(b, '/admin/policy')).toMatchObject({
    version,
    source: 'console',
    savedBy: 'ops@example.gov',
    note: 'confidential needs verified TLS',
  });

  // b saves on top of a's version; a, which edited from the version before, is refused.
  const back = await put(b, { text: POLICY_TEXT, baseRevision: 1, note: 'back to the file' });
  expect(back.statusCode).toBe(200);
  const stale = await put(a, { text: STRICTER, baseRevision: 1 });
  expect(stale.statusCode).toBe(409);
  expect(stale.json().error.code).toBe('POLICY_CHANGED');
  expect((await get(a, '/admin/policy')).history.map((v: { note: string }) => v.note)).toEqual([
    'back to the file',
    'confidential needs verified TLS',
  ]);
}, 60_000);
