/** The service's `{ error: { code, message } }` refusal, read one way by the add-ins and the escrow clients. */
import { readErrorBody } from '../../src/core/error-body';
import { requestJson } from '../../src/core/escrow/http';

describe('readErrorBody', () => {
  it('reads the code and the message', () => {
    expect(
      readErrorBody({ error: { code: 'KEY_CHANGED_AGAIN', message: 'the key changed', extra: 1 } }),
    ).toEqual({ code: 'KEY_CHANGED_AGAIN', message: 'the key changed' });
  });

  it.each([
    ['no body', undefined],
    ['a string', 'error'],
    ['no error', {}],
    ['an error list', { error: [] }],
    ['a numeric code', { error: { code: 409, message: 'changed' } }],
    ['an object code', { error: { code: { toString: 'x' }, message: 'changed' } }],
    ['no message', { error: { code: 'KEY_CHANGED_AGAIN' } }],
  ])('gives nothing for %s', (_, body) => {
    expect(readErrorBody(body)).toBeUndefined();
  });
});

describe('the escrow client reads refusals with it', () => {
  const refuse = (body: unknown) => async () => ({
    ok: false,
    status: 410,
    json: async () => body,
    blob: async () => new Blob([]),
  });

  it("passes the server's code and words on", async () => {
    const fetch = refuse({ error: { code: 'PICKUP_EXPIRED', message: 'This pickup has expired.' } });
    await expect(requestJson(fetch, '/x', { method: 'GET', headers: {} })).rejects.toMatchObject({
      code: 'PICKUP_EXPIRED',
      message: 'This pickup has expired.',
      status: 410,
    });
  });

  it('does not take a non-string code for a code', async () => {
    const fetch = refuse({ error: { code: 410, message: 'gone' } });
    await expect(requestJson(fetch, '/x', { method: 'GET', headers: {} })).rejects.toMatchObject({
      code: 'ESCROW_HTTP',
      message: 'the server answered HTTP 410',
    });
  });
});
