/**
 * A store that fails is a server fault (500), never an answer about the message: the code and sender-link steps
 * must not mistake it for "gone" and answer as if the message had been revoked or had expired.
 */
import type { EscrowedMessage } from '../../src/addin/protect/escrow/escrow-message';
import { SENDER_ACCESS_HEADER } from '../../src/core/escrow/headers';
import type { EscrowStore } from '../../src/server/escrow/store';
import { escrowSample, recordingMailer, startEscrowServer, type EscrowServer } from './harness';

let server: EscrowServer;
let mailer: ReturnType<typeof recordingMailer>;
let sent: EscrowedMessage;
/** While set, reading a message fails as a broken database would. */
let broken = false;

/** The real store, except that `getMessage` throws while `broken` is set. */
function failingReads(store: EscrowStore): EscrowStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name === 'getMessage' && broken)
        return () => Promise.reject(new Error('SQLITE_IOERR: disk I/O error'));
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

beforeEach(async () => {
  broken = false;
  mailer = recordingMailer();
  server = await startEscrowServer({ mailer, wrapStore: failingReads });
  sent = await escrowSample(server);
});
afterEach(() => server.close());

const post = (path: string, body: unknown) =>
  fetch(`${server.apiBase}/pickup/${sent.id}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sendguard-portal': '1' },
    body: JSON.stringify(body),
  });

async function errorOf(response: Response): Promise<{ status: number; code: string }> {
  return {
    status: response.status,
    code: ((await response.json()) as { error: { code: string } }).error.code,
  };
}

test('asking for a code while the store fails is a 500, not the quiet answer for a message that is gone', async () => {
  broken = true;
  expect(await errorOf(await post('/code', { address: 'bob@partner.test' }))).toEqual({
    status: 500,
    code: 'INTERNAL',
  });
  expect(mailer.sent).toEqual([]);
  broken = false;
  expect((await post('/code', { address: 'bob@partner.test' })).status).toBe(202);
});

test('verifying a code while the store fails is a 500, not "code rejected"', async () => {
  await post('/code', { address: 'bob@partner.test' });
  const code = mailer.codeFor('bob@partner.test');
  broken = true;
  expect(await errorOf(await post('/verify', { address: 'bob@partner.test', code }))).toEqual({
    status: 500,
    code: 'INTERNAL',
  });
  broken = false;
  expect((await post('/verify', { address: 'bob@partner.test', code })).status).toBe(200);
});

test("the sender's link while the store fails is a 500, not an invalid link", async () => {
  broken = true;
  const response = await fetch(`${server.apiBase}/sender/${sent.id}`, {
    headers: { [SENDER_ACCESS_HEADER]: 'A'.repeat(43) },
  });
  expect(await errorOf(response)).toEqual({ status: 500, code: 'INTERNAL' });
});
