/**
 * The pane's last resort: a sign-in in a window of its own, through the Office dialog API, where neither nested
 * app authentication nor Office SSO can ask the sender. The dialog opens signin.html on this origin, which signs
 * in with MSAL (authorization code flow with PKCE) and hands the token back with `messageParent`; a message from
 * any other origin is ignored.
 */
import { SignInError } from './sign-in-error';

/** What the dialog page sends its parent (JSON). */
export type DialogAnswer =
  { kind: 'token'; accessToken: string; expiresOn: number } | { kind: 'error'; message: string };

/** A token with the time (epoch ms) it expires. */
export interface HeldToken {
  token: string;
  expiresAt: number;
}

type Handler = (args: { message?: string; origin?: string; error?: number }) => void;

interface OfficeDialog {
  addEventHandler(eventType: string, handler: Handler): void;
  close(): void;
}

/** The part of Office.js this uses. */
export interface OfficeDialogApi {
  context: {
    ui?: {
      displayDialogAsync(
        url: string,
        options: { height: number; width: number; promptBeforeOpen: boolean },
        callback: (result: {
          status: string;
          value: OfficeDialog;
          error?: { code: number; message: string };
        }) => void,
      ): void;
    };
  };
}

/** Office's event names (Office.EventType), spelt out: the enumeration may be missing. */
const MESSAGE = 'dialogMessageReceived';
const EVENT = 'dialogEventReceived';
/** DialogEventReceived's code when the sender closed the dialog. */
const CLOSED = 12006;

/** Reads the dialog's message; anything else than a DialogAnswer is a failure. */
export function readDialogAnswer(message: string): HeldToken {
  let answer: Partial<DialogAnswer> = {};
  try {
    answer = JSON.parse(message) as Partial<DialogAnswer>;
  } catch {
    // left empty: reported below
  }
  if (
    answer.kind === 'token' &&
    typeof answer.accessToken === 'string' &&
    typeof answer.expiresOn === 'number'
  )
    return { token: answer.accessToken, expiresAt: answer.expiresOn };
  if (answer.kind === 'error' && typeof answer.message === 'string')
    throw new SignInError('SIGN_IN_FAILED', `the sign-in failed: ${answer.message}`);
  throw new SignInError('SIGN_IN_FAILED', 'the sign-in window sent an answer Sendguard cannot read');
}

/** Signs in through `pageUrl` (absolute, on `origin`) in an Office dialog. */
export function officeDialogSignIn(office: OfficeDialogApi, pageUrl: string): () => Promise<HeldToken> {
  const origin = new URL(pageUrl).origin;
  return () =>
    new Promise<HeldToken>((resolve, reject) => {
      const { ui } = office.context;
      if (!ui?.displayDialogAsync) {
        reject(new SignInError('SIGN_IN_FAILED', 'this version of Outlook cannot open a sign-in window'));
        return;
      }
      ui.displayDialogAsync(pageUrl, { height: 60, width: 30, promptBeforeOpen: false }, (opened) => {
        if (opened.status !== 'succeeded') {
          reject(
            new SignInError('SIGN_IN_FAILED', `the sign-in window did not open: ${opened.error?.message}`),
          );
          return;
        }
        const dialog = opened.value;
        const finish = (settle: () => void) => {
          dialog.close();
          settle();
        };
        dialog.addEventHandler(MESSAGE, ({ message, origin: from }) => {
          // DialogOrigin 1.1 names the sender's origin; where it is named, only this origin's page is heard.
          if (from !== undefined && from !== origin) return;
          try {
            const held = readDialogAnswer(message ?? '');
            finish(() => resolve(held));
          } catch (error) {
            finish(() => reject(error as Error));
          }
        });
        dialog.addEventHandler(EVENT, ({ error }) =>
          reject(
            error === CLOSED
              ? new SignInError('SIGN_IN_CANCELLED', 'the sign-in was closed')
              : new SignInError('SIGN_IN_FAILED', `the sign-in window failed (Office error ${error})`),
          ),
        );
      });
    });
}
