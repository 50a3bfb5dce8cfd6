/**
 * The add-ins' backend client: the service's real answer read over HTTP, and every way an answer can fail — a
 * status, a body that is not JSON, one that fails the wire schema or is not about the recipients asked — turned
 * into a BackendError with a stable code and a reason the sender can read.
 */
import type { AddressInfo } from 'node:net';
import { BackendError, connectBackend, createBackend } from '../../src/addin/backend';
import { assessedRecipient } from '../helpers/assess-answer';
import { deployedTestApp } from '../server/api/fakes';

const BASE = 'https://sendguard.example';

const recipient = (address: string) => assessedRecipient(address, 'encrypted');

const answerFor = (addresses: string[]) => ({
  policyVersion: 'v1',
  partial: false,
  recipients: addresses.map(recipient),
  invalid: [],
});

/** A fetch that answers every request with this response. */
const answering =
  (response: () => Response): typeof fetch =>
  async () =>
    response();

async function failure(fetch: typeof globalThis.fetch, asked = ['ann@a.example']): Promise<BackendError> {
  const backend = createBackend({ baseUrl: BASE, fetch, deadlineMs: 200 });
  const error = await backend.assess(asked).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof BackendError)) throw new Error(`expected a BackendError, got ${String(error)}`);
  return error;
}

/** Runs `use` against the real service, listening on a free port, with an API token it accepts. */
async function withService(use: (baseUrl: string, token: string) => Promise<void>): Promise<void> {
  const { app, token } = await deployedTestApp();
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { port } = app.server.address() as AddressInfo;
    await use(`http://127.0.0.1:${port}`, token);
  } finally {
    await app.close();
  }
}

test('reads the service’s own answer over HTTP', () =>
  withService(async (baseUrl, token) => {
    const backend = createBackend({ baseUrl, token });
    const asked = ['ann@partner.example', 'clerk@example.gov', 'nobody'];
    const answer = await backend.assess(asked);
    expect(answer.recipients.map((r) => r.input)).toEqual(asked.slice(0, 2));
    expect(answer.invalid.map((r) => r.input)).toEqual(['nobody']);
    expect((await backend.policy()).policy.classifications.length).toBeGreaterThan(0);
  }));

test('with the sender’s address, the service’s own answer says how replies reach them', () =>
  withService(async (baseUrl, token) => {
    const backend = createBackend({ baseUrl, token });
    const answer = await backend.assess(['ann@partner.example'], { sender: 'clerk@example.gov' });
    expect(answer.replyPath).toMatchObject({ domain: 'example.gov', verdict: 'encrypted' });
    expect((await backend.assess(['ann@partner.example'])).replyPath).toBeUndefined();
  }));

test('the sender goes in the request only when given', async () => {
  const bodies: unknown[] = [];
  const fetch: typeof globalThis.fetch = async (_input, init) => {
    bodies.push(JSON.parse(String(init?.body)));
    return Response.json(answerFor(['ann@a.example']));
  };
  const backend = createBackend({ baseUrl: BASE, fetch });
  await backend.assess(['ann@a.example'], { sender: 'me@example.gov' });
  await backend.assess(['ann@a.example']);
  expect(bodies).toEqual([
    { recipients: ['ann@a.example'], sender: 'me@example.gov' },
    { recipients: ['ann@a.example'] },
  ]);
});

test('a reply path of another domain than the sender’s: that line dropped, the recipients kept', async () => {
  const body = {
    ...answerFor(['ann@a.example']),
    replyPath: { domain: 'evil.example', verdict: 'authenticated', reasons: [] },
  };
  const backend = createBackend({ baseUrl: BASE, fetch: async () => Response.json(body) });
  const answer = await backend.assess(['ann@a.example'], { sender: 'me@example.gov' });
  expect(answer).not.toHaveProperty('replyPath');
  expect(answer.recipients.map((r) => r.address)).toEqual(['ann@a.example']);
});

test('mailboxAccess goes in the request only when asked for', async () => {
  const bodies: unknown[] = [];
  const fetch: typeof globalThis.fetch = async (_input, init) => {
    bodies.push(JSON.parse(String(init?.body)));
    return Response.json(answerFor(['ann@a.example']));
  };
  const backend = createBackend({ baseUrl: BASE, fetch });
  await backend.assess(['ann@a.example'], { sender: 'me@example.gov', mailboxAccess: true });
  await backend.assess(['ann@a.example'], { mailboxAccess: false });
  expect(bodies).toEqual([
    { recipients: ['ann@a.example'], sender: 'me@example.gov', mailboxAccess: true },
    { recipients: ['ann@a.example'] },
  ]);
});

test('a configured connection (Outlook’s page config, Thunderbird’s settings) signs in with its token', () =>
  withService(async (baseUrl, token) => {
    const backendUrl = `${baseUrl}/`;
    const { policy } = await connectBackend({ backendUrl, token }).policy();
    expect(policy.classifications.length).toBeGreaterThan(0);
    await expect(connectBackend({ backendUrl }).policy()).rejects.toMatchObject({
      code: 'BACKEND_UNAUTHORIZED',
    });
  }));

test('a connection’s client uses the fetch it is given', async () => {
  const asked: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    asked.push(`${String(input)} ${new Headers(init?.headers).get('authorization')}`);
    return new Response('{}', { status: 503 });
  };
  await expect(connectBackend({ backendUrl: BASE, token: 'sg_t' }, fetch).policy()).rejects.toMatchObject({
    code: 'BACKEND_REFUSED',
  });
  expect(asked).toEqual([`${BASE}/api/v1/policy Bearer sg_t`]);
});

describe('every failure is a BackendError with a code and a plain reason', () => {
  test.each([401, 403])('HTTP %i: the sign-in was not accepted', async (status) => {
    const error = await failure(answering(() => new Response('{}', { status })));
    expect(error.code).toBe('BACKEND_UNAUTHORIZED');
    expect(error.message).toBe(
      `The Sendguard service did not accept this add-in’s sign-in (HTTP ${status}).`,
    );
  });

  test.each([500, 502, 503, 429])('HTTP %i: refused', async (status) => {
    const error = await failure(answering(() => new Response('oops', { status })));
    expect(error.code).toBe('BACKEND_REFUSED');
    expect(error.message).toBe(`The Sendguard service refused the request (HTTP ${status}).`);
  });

  test('a body that is not JSON', async () => {
    const error = await failure(answering(() => new Response('<html>proxy login</html>')));
    expect(error).toMatchObject({ code: 'BACKEND_BAD_ANSWER', detail: 'not JSON' });
  });

  test('a verdict outside the vocabulary names the recipient and the word', async () => {
    const body = answerFor(['ann@a.example']);
    // A word the type does not allow, as a service of another version (or a forged one) could send.
    (body.recipients[0]!.transport as { verdict: string }).verdict = 'great';
    const error = await failure(answering(() => Response.json(body)));
    expect(error.code).toBe('BACKEND_BAD_ANSWER');
    expect(error.message).toContain(
      'the answer for "ann@a.example": transport verdict "great" is not one of',
    );
  });

  test('an answer that leaves a recipient out names who', async () => {
    const error = await failure(
      answering(() => Response.json(answerFor(['ann@a.example']))),
      ['ann@a.example', 'bob@b.example'],
    );
    expect(error.message).toBe(
      'The Sendguard service sent an answer this add-in cannot trust (the answer leaves out "bob@b.example").',
    );
  });

  test('an answer about other addresses', async () => {
    const error = await failure(answering(() => Response.json(answerFor(['eve@evil.example']))));
    expect(error.message).toContain('"eve@evil.example", which is not a recipient of this message');
  });

  test('the wrong shape altogether', async () => {
    const error = await failure(answering(() => Response.json({ ok: true })));
    expect(error.message).toContain('the policy version is missing');
  });

  test('no answer within the deadline', async () => {
    const error = await failure(() => new Promise<Response>(() => undefined));
    expect(error).toMatchObject({ code: 'BACKEND_TIMEOUT', detail: '200 ms' });
  });

  test('not reachable', async () => {
    const error = await failure(() => Promise.reject(new TypeError('connect ECONNREFUSED')));
    expect(error.message).toBe('The Sendguard service could not be reached (connect ECONNREFUSED).');
  });
});

describe('acceptKey: the sender confirms a changed key', () => {
  const FINGERPRINT = 'AB12'.repeat(10);
  const ADDRESS = 'ann@partner.example';

  /** A fetch that records each request and answers it with `response`. */
  function recording(response: () => Response) {
    const calls: Array<{ url: string; method?: string; body?: unknown }> = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      calls.push({ url: String(input), method: init?.method, body: JSON.parse(String(init?.body)) });
      return response();
    };
    return { calls, backend: createBackend({ baseUrl: BASE, fetch, deadlineMs: 200 }) };
  }

  const key = (fingerprint: string, verdict = 'valid') => ({
    key: { address: ADDRESS, verdict, source: 'wkd', fingerprint, reasons: [] },
  });

  test('posts the fingerprint for the address and returns the key now valid', async () => {
    const { calls, backend } = recording(() => Response.json(key(FINGERPRINT)));
    await expect(backend.acceptKey(ADDRESS, FINGERPRINT)).resolves.toMatchObject({
      verdict: 'valid',
      fingerprint: FINGERPRINT,
    });
    expect(calls).toEqual([
      {
        url: `${BASE}/api/v1/keys/ann%40partner.example/accept`,
        method: 'POST',
        body: { fingerprint: FINGERPRINT },
      },
    ]);
  });

  test('409 KEY_CHANGED_AGAIN: the code and the service’s words', async () => {
    const words = `the key of ${ADDRESS} was not accepted: a new lookup finds key ${'CD34'.repeat(10)} (changed)`;
    const { backend } = recording(() =>
      Response.json({ error: { code: 'KEY_CHANGED_AGAIN', message: words } }, { status: 409 }),
    );
    const error = await backend.acceptKey(ADDRESS, FINGERPRINT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: 'KEY_CHANGED_AGAIN' });
    expect((error as Error).message).toContain(words);
  });

  test('an answer naming another key, or one not valid, is not trusted', async () => {
    for (const answer of [key('CD34'.repeat(10)), key(FINGERPRINT, 'changed'), { key: 'yes' }]) {
      const { backend } = recording(() => Response.json(answer));
      await expect(backend.acceptKey(ADDRESS, FINGERPRINT)).rejects.toMatchObject({
        code: 'BACKEND_BAD_ANSWER',
      });
    }
  });

  test('another refusal is the service refusing, as for any request', async () => {
    const { backend } = recording(() => Response.json({ error: { code: 'VALIDATION' } }, { status: 400 }));
    await expect(backend.acceptKey(ADDRESS, FINGERPRINT)).rejects.toMatchObject({ code: 'BACKEND_REFUSED' });
  });
});
