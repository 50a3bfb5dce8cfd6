/**
 * fetchStsPolicy with a fake HttpsGet (the real interface): what counts as a policy answer. The transfer itself —
 * certificates, redirects not followed, size and time limits — is tested against a real server in https-get.test.
 */
import { AddressNotAllowedError } from '../../../src/server/net/address-policy';
import {
  HttpsGetError,
  type HttpsGet,
  type HttpsGetOptions,
  type HttpsResponse,
} from '../../../src/server/net/https-get';
import { fetchStsPolicy, type StsFetchDeps } from '../../../src/server/transport/mta-sts-fetch';

const POLICY = 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.test\r\nmax_age: 86400\r\n';
const PARSED = { version: 'STSv1', mode: 'enforce', maxAge: 86400, mx: ['mail.example.test'] };

function answer(status: number, headers: HttpsResponse['headers'], body = POLICY): HttpsResponse {
  return { status, headers, body: Buffer.from(body), address: '192.0.2.1' };
}

/** An HttpsGet that records its calls and answers with `reply`, or throws it. */
function fakeGet(reply: HttpsResponse | Error) {
  const calls: { url: string; options: HttpsGetOptions }[] = [];
  const get: HttpsGet = async (url, options) => {
    calls.push({ url, options });
    if (reply instanceof Error) throw reply;
    return reply;
  };
  return { get, calls };
}

const resolveAddresses = async () => ['192.0.2.1'];

function deps(get: HttpsGet, extra: Partial<StsFetchDeps> = {}): StsFetchDeps {
  return { httpsGet: get, resolveAddresses, allowPrivateAddresses: false, ...extra };
}

async function fetchError(reply: HttpsResponse | Error) {
  return fetchStsPolicy('example.test', deps(fakeGet(reply).get)).then(
    () => {
      throw new Error('expected the fetch to fail');
    },
    (error: unknown) => error as Error & { code: string; cause?: unknown },
  );
}

describe('fetchStsPolicy', () => {
  test('RFC 8461 §3.3: GETs https://mta-sts.<domain>/.well-known/mta-sts.txt with a 64 KiB cap', async () => {
    const { get, calls } = fakeGet(answer(200, { 'content-type': 'text/plain' }));
    const ca = Buffer.from('extra roots');
    expect(await fetchStsPolicy('example.test', deps(get, { ca, allowPrivateAddresses: true }))).toEqual(
      PARSED,
    );
    expect(calls).toEqual([
      {
        url: 'https://mta-sts.example.test/.well-known/mta-sts.txt',
        options: expect.objectContaining({
          resolveAddresses,
          allowPrivateAddresses: true,
          ca,
          maxBytes: 65536,
          timeoutMs: 15_000,
          accept: 'text/plain',
        }),
      },
    ]);
  });

  test('the time limit can be set per call', async () => {
    const { get, calls } = fakeGet(answer(200, { 'content-type': 'text/plain' }));
    await fetchStsPolicy('example.test', deps(get, { timeoutMs: 500 }));
    expect(calls[0]?.options.timeoutMs).toBe(500);
  });

  test.each([
    'text/plain; charset=utf-8',
    'TEXT/Plain',
    'text/plain;charset=us-ascii',
    'text/plain ; charset=UTF-8',
  ])('RFC 8461 §3.2: media type %j is text/plain', async (type) => {
    expect(
      await fetchStsPolicy('example.test', deps(fakeGet(answer(200, { 'content-type': type })).get)),
    ).toEqual(PARSED);
  });

  test.each([
    'text/html',
    'application/octet-stream',
    'application/json+text/plain',
    'text/plain+',
    undefined,
  ])('RFC 8461 §3.2: media type %j is refused', async (type) => {
    const error = await fetchError(answer(200, { 'content-type': type }));
    expect(error.code).toBe('STS_WRONG_CONTENT_TYPE');
  });

  test('RFC 8461 §3.3: a redirect is a failure, and the reason says where it pointed', async () => {
    const error = await fetchError(answer(301, { location: 'https://elsewhere.example/policy.txt' }, ''));
    expect(error.code).toBe('STS_HTTP_STATUS');
    expect(error.message).toContain('301 redirecting to https://elsewhere.example/policy.txt');
  });

  test.each([201, 204, 404, 500])('RFC 8461 §3.3: HTTP %d is not a policy', async (status) => {
    const error = await fetchError(answer(status, { 'content-type': 'text/plain' }));
    expect(error.code).toBe('STS_HTTP_STATUS');
  });

  test('RFC 8461 §3.3: a body above 64 KiB is STS_POLICY_TOO_LARGE', async () => {
    const error = await fetchError(
      new HttpsGetError('HTTP_BODY_TOO_LARGE', 'the body is larger than 65536 bytes'),
    );
    expect(error.code).toBe('STS_POLICY_TOO_LARGE');
  });

  test('RFC 8461 §3.3: a certificate that does not validate is STS_CERT_INVALID, naming Node’s reason', async () => {
    const tls = new HttpsGetError('HTTP_TLS_FAILED', 'TLS failed', { tlsCode: 'CERT_HAS_EXPIRED' });
    const error = await fetchError(tls);
    expect(error.code).toBe('STS_CERT_INVALID');
    expect(error.message).toContain('CERT_HAS_EXPIRED');
    expect(error.cause).toBe(tls);
  });

  test.each([
    new HttpsGetError('HTTP_TIMEOUT', 'no complete answer within 15000 ms'),
    new HttpsGetError('HTTP_CONNECT_FAILED', '192.0.2.1: ECONNREFUSED'),
    new HttpsGetError('HTTP_NAME_NOT_FOUND', 'mta-sts.example.test has no address'),
    new AddressNotAllowedError('10.0.0.1', 'private'),
  ])('a transfer failure ($code) is STS_FETCH_FAILED with its reason', async (cause) => {
    const error = await fetchError(cause);
    expect(error.code).toBe('STS_FETCH_FAILED');
    expect(error.message).toContain(cause.message);
    expect(error.cause).toBe(cause);
  });

  test('RFC 8461 §3.2: an invalid policy file is STS_POLICY_INVALID', async () => {
    const error = await fetchError(
      answer(200, { 'content-type': 'text/plain' }, POLICY.replace('86400', 'xxx')),
    );
    expect(error).toMatchObject({ code: 'STS_POLICY_INVALID', rule: 'max_age' });
  });
});
