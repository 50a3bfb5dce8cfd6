/**
 * Development mode (no authentication, every caller an admin) answers only requests addressed to a loopback
 * name: a DNS-rebinding page reaches 127.0.0.1 as well, but under its own host name.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackHost } from '../../../src/core/loopback-host';
import { testApp } from '../api/fakes';

test.each([
  'localhost',
  'localhost:3000',
  'LOCALHOST:443',
  'app.localhost',
  'a-b.c.localhost:8080',
  '127.0.0.1',
  '127.0.0.1:3000',
  '127.12.0.9:1',
  '[::1]',
  '[::1]:3000',
])('%s is a loopback name', (host) => expect(isLoopbackHost(host)).toBe(true));

test.each([
  undefined,
  '',
  'evil.example',
  'evil.example:3000',
  'localhost.evil.example',
  'evillocalhost',
  '.localhost',
  'a..localhost',
  'a_b.localhost',
  '128.0.0.1',
  '0.0.0.0',
  '[::2]:3000',
  '[::1',
  '[::1]x',
  '[::1]:',
  'localhost:',
  'localhost:123456',
  'localhost:30a0',
  'localhost:3000:1',
  '::1',
  'x'.repeat(300) + '.localhost',
])('%s is not', (host) => expect(isLoopbackHost(host)).toBe(false));

test('attack: DNS rebinding — a request for another host name gets 421 and reaches no route', async () => {
  const { app } = await testApp();
  const forged = await app.inject({ url: '/api/v1/policy', headers: { host: 'rebind.attacker.example' } });
  expect(forged.statusCode).toBe(421);
  // The one error handler's body shape, nothing more: the code, and a message that says where to go instead.
  expect(forged.json()).toEqual({
    error: {
      code: 'HOST_NOT_LOOPBACK',
      message: expect.stringContaining('only answers requests addressed to localhost'),
    },
  });
  for (const url of ['/metrics', '/healthz', '/no-such-page'])
    expect((await app.inject({ url, headers: { host: 'rebind.attacker.example:3000' } })).statusCode).toBe(
      421,
    );
  expect((await app.inject({ url: '/api/v1/policy', headers: { host: 'localhost:3000' } })).statusCode).toBe(
    200,
  );
});

test('attack: DNS rebinding over a real connection to 127.0.0.1', async () => {
  const { app } = await testApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const port = (app.server.address() as AddressInfo).port;
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port, path: '/api/v1/policy', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    expect(await status(`rebind.attacker.example:${port}`)).toBe(421);
    expect(await status(`127.0.0.1:${port}`)).toBe(200);
    expect(await status(`localhost:${port}`)).toBe(200);
  } finally {
    await app.close();
  }
});

test('with authentication on, the Host is not checked (a deployment has its own name)', async () => {
  const { app } = await testApp({ config: { auth: { apiTokens: true } } });
  expect((await app.inject({ url: '/healthz', headers: { host: 'sendguard.example.org' } })).statusCode).toBe(
    200,
  );
});
