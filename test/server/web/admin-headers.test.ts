/**
 * The admin console's page as served: the headers every answer of the service carries (HSTS among them), with the
 * console's own content policy and caching.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { COMMON_HEADERS } from '../../../src/server/escrow/headers';
import { ADMIN_CSP } from '../../../src/server/web/admin-headers';
import staticAreas from '../../../src/server/web/static-areas';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sendguard-web-'));
  mkdirSync(join(root, 'admin'), { recursive: true });
  writeFileSync(join(root, 'admin', 'index.html'), '<!doctype html><title>console</title>');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

test("the console's page carries the common headers, HSTS included, with its own policy and caching", async () => {
  const app = Fastify();
  await app.register(staticAreas, { root, publicUrl: 'https://sendguard.example.org' });
  const page = await app.inject({ method: 'GET', url: '/admin/' });
  await app.close();
  expect(page.statusCode).toBe(200);
  expect(page.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
  for (const [name, value] of Object.entries(COMMON_HEADERS)) {
    if (name === 'cache-control') continue;
    expect([name, page.headers[name]]).toEqual([name, value]);
  }
  expect(page.headers['content-security-policy']).toBe(ADMIN_CSP);
  expect(page.headers['cache-control']).toBe('no-cache');
});
