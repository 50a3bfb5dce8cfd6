/**
 * The pane's sign-in window over a stand-in for Office's dialog API: the token the page hands back, only from
 * this origin's page where Office names origins (DialogOrigin 1.1), only in the page's own answer shape where it
 * cannot; the window closed on every answer and event; Office's dialog errors in plain words; a page that
 * reports a failure or says nothing readable; the expiry the page reports for a token.
 */
import { officeDialogSignIn, tokenAnswer, type OfficeDialogApi } from '../../src/outlook/auth/dialog-sign-in';

const PAGE = 'https://sendguard.example/addin/signin.html';
const ORIGIN = 'https://sendguard.example';

type Handler = (args: { message?: string; origin?: string; error?: number }) => void;

/**
 * Office's dialog API: `dialog` drives what the opened window does once its handlers are on; `dialogOrigin`
 * whether this Office supports DialogOrigin 1.1 (and so names each message's origin).
 */
function officeWith(
  dialog: (fire: (event: string, args: Parameters<Handler>[0]) => void) => void,
  { dialogOrigin = true, openError }: { dialogOrigin?: boolean; openError?: number } = {},
) {
  const opened: string[] = [];
  let closed = 0;
  const office: OfficeDialogApi = {
    context: {
      requirements: {
        isSetSupported: (name, version) => dialogOrigin && name === 'DialogOrigin' && version === '1.1',
      },
      ui: {
        displayDialogAsync: (url, _options, callback) => {
          opened.push(url);
          if (openError !== undefined) {
            callback({
              status: 'failed',
              value: undefined as never,
              error: { code: openError, message: 'Office words' },
            });
            return;
          }
          const handlers = new Map<string, Handler>();
          callback({
            status: 'succeeded',
            value: {
              addEventHandler: (event, handler) => handlers.set(event, handler),
              close: () => void closed++,
            },
          });
          dialog((event, args) => handlers.get(event)?.(args));
        },
      },
    },
  };
  return { office, opened, closed: () => closed };
}

const token = (accessToken: string) =>
  JSON.stringify({ kind: 'token', accessToken, expiresOn: Date.UTC(2026, 11, 7, 12) });

test('the token the sign-in page hands back, and the window closed', async () => {
  const { office, opened, closed } = officeWith((fire) =>
    fire('dialogMessageReceived', { message: token('tok'), origin: ORIGIN }),
  );
  await expect(officeDialogSignIn(office, PAGE)()).resolves.toEqual({
    token: 'tok',
    expiresAt: Date.UTC(2026, 11, 7, 12),
  });
  expect(opened).toEqual([PAGE]);
  expect(closed()).toBe(1);
});

test('DialogOrigin 1.1: a message from another origin, or with no origin, is not heard', async () => {
  const { office } = officeWith((fire) => {
    fire('dialogMessageReceived', { message: token('forged'), origin: 'https://attacker.example' });
    fire('dialogMessageReceived', { message: token('unnamed') });
    fire('dialogMessageReceived', { message: token('tok'), origin: ORIGIN });
  });
  await expect(officeDialogSignIn(office, PAGE)()).resolves.toMatchObject({ token: 'tok' });
});

test('without DialogOrigin 1.1: a message not in the page’s answer shape is not heard; the first answer is', async () => {
  const { office, closed } = officeWith(
    (fire) => {
      fire('dialogMessageReceived', { message: 'hello from a page the window reached' });
      fire('dialogMessageReceived', { message: JSON.stringify({ kind: 'token', accessToken: 7 }) });
      fire('dialogMessageReceived', { message: token('tok') });
      fire('dialogMessageReceived', { message: token('later') });
    },
    { dialogOrigin: false },
  );
  await expect(officeDialogSignIn(office, PAGE)()).resolves.toMatchObject({ token: 'tok' });
  expect(closed()).toBe(1);
});

test('the sender closing the window: cancelled, and closed from this side too', async () => {
  const { office, closed } = officeWith((fire) => fire('dialogEventReceived', { error: 12006 }));
  await expect(officeDialogSignIn(office, PAGE)()).rejects.toMatchObject({
    code: 'SIGN_IN_CANCELLED',
    message: 'the sign-in window was closed',
  });
  expect(closed()).toBe(1);
});

test.each([
  [12002, 'the sign-in page was not found'],
  [12003, 'the sign-in page must use HTTPS'],
  [12004, 'the sign-in page’s domain is not allowed'],
  [12007, 'a sign-in window is already open'],
  [12009, 'Office error 12009'],
])('a dialog event %i: failed, saying "%s", the window closed', async (error, words) => {
  const { office, closed } = officeWith((fire) => fire('dialogEventReceived', { error }));
  await expect(officeDialogSignIn(office, PAGE)()).rejects.toMatchObject({
    code: 'SIGN_IN_FAILED',
    message: `the sign-in window failed: ${words}`,
  });
  expect(closed()).toBe(1);
});

test.each([
  [12004, 'the sign-in page’s domain is not allowed'],
  [12007, 'a sign-in window is already open'],
  [12011, 'Office words'],
])('the window not opening (%i): failed, saying "%s"', async (openError, words) => {
  const { office } = officeWith(() => undefined, { openError });
  await expect(officeDialogSignIn(office, PAGE)()).rejects.toMatchObject({
    code: 'SIGN_IN_FAILED',
    message: `the sign-in window failed: ${words}`,
  });
});

test.each([
  [
    JSON.stringify({ kind: 'error', message: 'AADSTS50105: not assigned' }),
    'the sign-in failed: AADSTS50105',
  ],
  ['not json', 'an answer Sendguard cannot read'],
  [JSON.stringify({ kind: 'token', accessToken: 7 }), 'an answer Sendguard cannot read'],
])('this origin’s page answering %s: failed, saying why', async (message, words) => {
  const { office, closed } = officeWith((fire) => fire('dialogMessageReceived', { message, origin: ORIGIN }));
  await expect(officeDialogSignIn(office, PAGE)()).rejects.toMatchObject({
    code: 'SIGN_IN_FAILED',
    message: expect.stringContaining(words),
  });
  expect(closed()).toBe(1);
});

test('an Outlook without the dialog API: failed, saying so', async () => {
  await expect(officeDialogSignIn({ context: {} }, PAGE)()).rejects.toThrow('cannot open a sign-in window');
});

describe('the sign-in page’s answer for a token', () => {
  const jwt = (claims: object) =>
    ['{"alg":"RS256"}', JSON.stringify(claims)]
      .map((part) => Buffer.from(part).toString('base64url'))
      .concat('signature')
      .join('.');
  const exp = Date.UTC(2026, 11, 7, 13) / 1000;

  test('the expiry MSAL reports', () => {
    expect(tokenAnswer('tok', new Date(Date.UTC(2026, 11, 7, 12)))).toEqual({
      kind: 'token',
      accessToken: 'tok',
      expiresOn: Date.UTC(2026, 11, 7, 12),
    });
  });

  test('none reported: the token’s own exp', () => {
    const token = jwt({ exp, aud: 'api://x' });
    expect(tokenAnswer(token, null)).toEqual({ kind: 'token', accessToken: token, expiresOn: exp * 1000 });
  });

  test.each([
    ['a JWT without exp', jwt({ aud: 'api://x' })],
    ['a JWT whose exp is text', jwt({ exp: String(exp) })],
    ['not a JWT', 'opaque-token'],
  ])('none reported and %s: an error, not a token thrown away at once', (_, token) => {
    expect(tokenAnswer(token, undefined)).toEqual({
      kind: 'error',
      message: 'the token came without an expiry time',
    });
  });
});
