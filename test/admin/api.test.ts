import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdminApiError, createAdminApi } from '../../src/admin/api';

/** A real HTTP peer answering per path, recording what it was asked. */
let server: Server;
let base: string;
const seen: Array<{ method: string; url: string; authorization?: string; body: string; type?: string }> = [];

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    seen.push({
      method: request.method ?? '',
      url: request.url ?? '',
      authorization: request.headers.authorization,
      body: await body(request),
      type: request.headers['content-type'],
    });
    const answers: Record<string, () => void> = {
      '/api/v1/admin/overview?days=7': () =>
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"days":[]}'),
      '/api/v1/admin/overrides/example.org': () => response.writeHead(204).end(),
      '/api/v1/admin/forbidden': () =>
        response
          .writeHead(403, { 'content-type': 'application/json' })
          .end('{"error":{"code":"FORBIDDEN","message":"admin role required"}}'),
      '/api/v1/admin/unauthorized': () =>
        response
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"error":{"code":"AUTH_INVALID","message":"the token is not valid"}}'),
      '/api/v1/admin/proxy-page': () =>
        response.writeHead(502, { 'content-type': 'text/html' }).end('<html>'),
      '/api/v1/admin/text': () => response.writeHead(200, { 'content-type': 'text/csv' }).end('a,b\r\n'),
    };
    (answers[request.url ?? ''] ?? (() => response.writeHead(404).end()))();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/`;
});

afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => seen.splice(0));

test('GET sends the bearer token and parses the JSON answer', async () => {
  const api = createAdminApi({ base, token: 'sgk_admin' });
  await expect(api.get('/admin/overview?days=7')).resolves.toEqual({ days: [] });
  expect(seen[0]).toMatchObject({ method: 'GET', authorization: 'Bearer sgk_admin' });
});

test('a body goes as JSON, and a 204 resolves to undefined', async () => {
  const api = createAdminApi({ base, token: 't' });
  await expect(
    api.send('PUT', '/admin/overrides/example.org', { note: 'n', transport: 'tls' }),
  ).resolves.toBe(undefined);
  expect(seen[0]).toMatchObject({
    method: 'PUT',
    type: 'application/json',
    body: '{"note":"n","transport":"tls"}',
  });
});

test("a refusal becomes an AdminApiError with the service's status, code and message", async () => {
  const api = createAdminApi({ base, token: 't' });
  const error = await api.get('/admin/forbidden').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AdminApiError);
  expect(error).toMatchObject({ status: 403, code: 'FORBIDDEN', message: 'admin role required' });
});

test('a 401 is told to the console before it is thrown', async () => {
  const told: string[] = [];
  const api = createAdminApi({ base, token: 't', onUnauthorized: () => told.push('401') });
  await expect(api.send('DELETE', '/admin/unauthorized')).rejects.toMatchObject({ status: 401 });
  expect(told).toEqual(['401']);
});

test('a refusal without a JSON body keeps its status, with a code made from it', async () => {
  const api = createAdminApi({ base, token: 't' });
  await expect(api.get('/admin/proxy-page')).rejects.toMatchObject({ status: 502, code: 'HTTP_502' });
});

test('an unreachable service is status 0, UNREACHABLE', async () => {
  const api = createAdminApi({ base: 'http://127.0.0.1:1/api/v1', token: 't' });
  await expect(api.get('/admin/overview')).rejects.toMatchObject({ status: 0, code: 'UNREACHABLE' });
});

test('getText answers the body as text', async () => {
  const api = createAdminApi({ base, token: 't' });
  await expect(api.getText('/admin/text')).resolves.toBe('a,b\r\n');
});
