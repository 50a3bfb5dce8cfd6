/**
 * The pane asks how to sign in while Office gets ready: the request goes out at once, the first caller (the token
 * chain, once the pane runs) takes its answer, and a later caller asks again. Against the real service.
 */
import type { AddressInfo } from 'node:net';
import { signInSettingsAskedEarly } from '../../src/outlook/auth/outlook-sign-in';
import { deployedTestApp } from '../server/api/fakes';

test('asked at once; the first caller takes that answer, the next asks again', async () => {
  const { app } = await deployedTestApp();
  let asked = 0;
  app.addHook('onRequest', async (request) => {
    if (request.url === '/api/v1/sign-in') asked++;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { port } = app.server.address() as AddressInfo;
    const settings = signInSettingsAskedEarly({ backendUrl: `http://127.0.0.1:${port}` });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(asked).toBe(1);
    const first = await settings();
    expect(asked).toBe(1);
    expect(first).toEqual(await settings());
    expect(asked).toBe(2);
  } finally {
    await app.close();
  }
});

test('a failure before anyone asks is the first caller’s, not an unhandled rejection', async () => {
  const settings = signInSettingsAskedEarly({ backendUrl: 'http://127.0.0.1:9' });
  await new Promise((resolve) => setTimeout(resolve, 200));
  await expect(settings()).rejects.toMatchObject({ code: 'BACKEND_UNREACHABLE' });
});
