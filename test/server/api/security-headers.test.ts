/** The security headers are helmet's, worked out once at start: the same on every response as helmet sets them. */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import helmet from 'helmet';
import { addSecurityHeaders } from '../../../src/server/api/security-headers';

const OPTIONS = { frameguard: false } as const;
/** Headers every response has whoever sets it. */
const TRANSPORT = ['connection', 'content-length', 'content-type', 'date', 'keep-alive'];

const withoutTransport = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !TRANSPORT.includes(name)));

/** What helmet's own middleware, run for this response, sets. */
async function helmetSets(): Promise<Record<string, unknown>> {
  const middleware = helmet(OPTIONS);
  const server = createServer((request, response) => middleware(request, response, () => response.end('ok')));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const answer = await fetch(`http://127.0.0.1:${port}/`);
    return withoutTransport(Object.fromEntries(answer.headers));
  } finally {
    server.close();
  }
}

test('every response carries exactly the headers helmet sets', async () => {
  const app = Fastify();
  addSecurityHeaders(app, OPTIONS);
  app.get('/', async () => 'ok');
  const expected = await helmetSets();
  expect(expected['content-security-policy']).toContain("frame-ancestors 'self'");
  expect(expected['x-frame-options']).toBeUndefined();
  for (let i = 0; i < 2; i++) {
    const response = await app.inject({ url: '/' });
    expect(withoutTransport(response.headers)).toEqual(expected);
  }
  await app.close();
});

test('a route that sets one of the headers itself has the last word', async () => {
  const app = Fastify();
  addSecurityHeaders(app, OPTIONS);
  app.get('/', async (_request, reply) => {
    reply.raw.setHeader('content-security-policy', "frame-ancestors 'self' https://outlook.office.com");
    return 'ok';
  });
  const response = await app.inject({ url: '/' });
  expect(response.headers['content-security-policy']).toBe(
    "frame-ancestors 'self' https://outlook.office.com",
  );
  await app.close();
});
