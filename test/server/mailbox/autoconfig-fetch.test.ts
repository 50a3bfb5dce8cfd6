/** The autoconfig file's fetch: what each answer of the host becomes (found, none, failed), never a throw. */
import { autoconfigUrls, fetchAutoconfig } from '../../../src/server/mailbox/autoconfig-fetch';
import { HttpsGetError, type HttpsGet, type HttpsResponse } from '../../../src/server/net/https-get';

const D = 'example.org';
const [URL] = autoconfigUrls(D) as [string];

function answering(response: Partial<HttpsResponse> | HttpsGetError): { get: HttpsGet; asked: string[] } {
  const asked: string[] = [];
  const get: HttpsGet = async (url, options) => {
    asked.push(`${url} max ${options.maxBytes} in ${options.timeoutMs} ms`);
    if (response instanceof HttpsGetError) throw response;
    return { status: 200, headers: {}, body: Buffer.alloc(0), address: '192.0.2.1', ...response };
  };
  return { get, asked };
}

const fetchWith = (get: HttpsGet) =>
  fetchAutoconfig(URL, D, {
    get,
    resolveAddresses: async () => [],
    allowPrivateAddresses: false,
    timeoutMs: 1500,
  });

describe('fetchAutoconfig', () => {
  test('Thunderbird’s two places, over HTTPS only', () => {
    expect(autoconfigUrls(D)).toEqual([
      'https://autoconfig.example.org/mail/config-v1.1.xml',
      'https://example.org/.well-known/autoconfig/mail/config-v1.1.xml',
    ]);
  });

  test('a file is read with the 64 KiB cap and the given deadline', async () => {
    const xml =
      '<clientConfig><emailProvider id="x"><incomingServer type="imap"><hostname>imap.example.org</hostname>' +
      '<port>993</port><socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>';
    const { get, asked } = answering({ body: Buffer.from(xml) });
    const result = await fetchWith(get);
    expect(asked).toEqual([`${URL} max 65536 in 1500 ms`]);
    expect(result.report).toEqual({ url: URL, state: 'found' });
    expect(result.endpoints).toHaveLength(1);
  });

  test.each([
    ['404', { status: 404 }],
    ['410', { status: 410 }],
    [
      'a host name without an address',
      new HttpsGetError('HTTP_NAME_NOT_FOUND', 'autoconfig.example.org has no address'),
    ],
  ])('%s is no file', async (_about, answer) => {
    expect((await fetchWith(answering(answer).get)).report).toEqual({ url: URL, state: 'none' });
  });

  test.each([
    ['a redirect, not followed', { status: 301 }, 'answered HTTP 301 (redirects are not followed)'],
    ['a server error', { status: 500 }, 'answered HTTP 500'],
    ['an HTML page', { body: Buffer.from('<html>hi</html>') }, 'is not a usable autoconfig file'],
    [
      'a certificate that failed',
      new HttpsGetError('HTTP_TLS_FAILED', 'TLS failed: CERT_HAS_EXPIRED'),
      'CERT_HAS_EXPIRED',
    ],
    [
      'a body over the cap',
      new HttpsGetError('HTTP_BODY_TOO_LARGE', 'the body is larger than 65536 bytes'),
      'larger',
    ],
  ])('%s is a failure with its reason', async (_about, answer, reason) => {
    const { report, endpoints } = await fetchWith(answering(answer).get);
    expect(report).toEqual({ url: URL, state: 'failed', reason: expect.stringContaining(reason) });
    expect(endpoints).toEqual([]);
  });
});
