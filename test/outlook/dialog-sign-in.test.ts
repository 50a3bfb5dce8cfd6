/**
 * The pane's sign-in window over a stand-in for Office's dialog API: the token the page hands back, only from
 * this origin's page; the sender closing the window; a page that reports a failure or says nothing readable.
 */
import { officeDialogSignIn, type OfficeDialogApi } from '../../src/outlook/auth/dialog-sign-in';

const PAGE = 'https://sendguard.example/addin/signin.html';

type Handler = (args: { message?: string; origin?: string; error?: number }) => void;

/** Office's dialog API: `dialog` drives what the opened window does once its handlers are on. */
function officeWith(dialog: (fire: (event: string, args: Parameters<Handler>[0]) => void) => void) {
  const opened: string[] = [];
  let closed = 0;
  const office: OfficeDialogApi = {
    context: {
      ui: {
        displayDialogAsync: (url, _options, callback) => {
          opened.push(url);
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
    fire('dialogMessageReceived', { message: token('tok'), origin: 'https://sendguard.example' }),
  );
  await expect(officeDialogSignIn(office, PAGE)()).resolves.toEqual({
    token: 'tok',
    expiresAt: Date.UTC(2026, 11, 7, 12),
  });
  expect(opened).toEqual([PAGE]);
  expect(closed()).toBe(1);
});

test('a message from another origin is not heard', async () => {
  const { office } = officeWith((fire) => {
    fire('dialogMessageReceived', { message: token('forged'), origin: 'https://attacker.example' });
    fire('dialogMessageReceived', { message: token('tok'), origin: 'https://sendguard.example' });
  });
  await expect(officeDialogSignIn(office, PAGE)()).resolves.toMatchObject({ token: 'tok' });
});

test('the sender closing the window: cancelled', async () => {
  const { office } = officeWith((fire) => fire('dialogEventReceived', { error: 12006 }));
  await expect(officeDialogSignIn(office, PAGE)()).rejects.toMatchObject({
    code: 'SIGN_IN_CANCELLED',
    message: 'the sign-in was closed',
  });
});

test.each([
  [
    JSON.stringify({ kind: 'error', message: 'AADSTS50105: not assigned' }),
    'the sign-in failed: AADSTS50105',
  ],
  ['not json', 'an answer Sendguard cannot read'],
  [JSON.stringify({ kind: 'token', accessToken: 7 }), 'an answer Sendguard cannot read'],
])('a page answering %s: failed, saying why', async (message, words) => {
  const { office, closed } = officeWith((fire) =>
    fire('dialogMessageReceived', { message, origin: 'https://sendguard.example' }),
  );
  await expect(officeDialogSignIn(office, PAGE)()).rejects.toMatchObject({
    code: 'SIGN_IN_FAILED',
    message: expect.stringContaining(words),
  });
  expect(closed()).toBe(1);
});

test('an Outlook without the dialog API: failed, saying so', async () => {
  await expect(officeDialogSignIn({ context: {} }, PAGE)()).rejects.toThrow('cannot open a sign-in window');
});
