/**
 * The pane's last resort: a sign-in in a window of its own, through the Office dialog API, where neither nested
 * app authentication nor Office SSO can ask the sender. The dialog opens signin.html on this origin, which signs
 * in with MSAL (authorization code flow with PKCE) and hands the token back with `messageParent`. Where Office
 * names a message's origin (requirement set DialogOrigin 1.1), only this origin is heard; where it cannot, only
 * a message in the page's own answer shape is, since any page the window reached could send one.
 */
import { SignInError } from './sign-in-error';
import { tokenExpiry } from './token-expiry';

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
    requirements?: { isSetSupported(name: string, minVersion?: string): boolean };
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

/** The dialog API's error codes (displayDialogAsync's and DialogEventReceived's), in the sender's words. */
const DIALOG_ERRORS: Readonly<Record<number, string>> = {
  12002: 'the sign-in page was not found',
  12003: 'the sign-in page must use HTTPS',
  12004: 'the sign-in page’s domain is not allowed',
  [CLOSED]: 'the sign-in window was closed',
  12007: 'a sign-in window is already open',
};

function dialogFailure(code: number | undefined, words: string | undefined): SignInError {
  const said = (code === undefined ? undefined : DIALOG_ERRORS[code]) ?? words ?? `Office error ${code}`;
  return code === CLOSED
    ? new SignInError('SIGN_IN_CANCELLED', said)
    : new SignInError('SIGN_IN_FAILED', `the sign-in window failed: ${said}`);
}

/** The answer a message holds, or undefined when it is not in the answer shape. */
function parseDialogAnswer(message: string): DialogAnswer | undefined {
  let answer: Partial<DialogAnswer> | null;
  try {
    answer = JSON.parse(message) as Partial<DialogAnswer>;
  } catch {
    return undefined;
  }
  if (
    answer?.kind === 'token' &&
    typeof answer.accessToken === 'string' &&
    typeof answer.expiresOn === 'number'
  )
    return answer as DialogAnswer;
  if (answer?.kind === 'error' && typeof answer.message === 'string') return answer as DialogAnswer;
  return undefined;
}

/** Reads the dialog's message; anything else than a DialogAnswer is a failure. */
function readDialogAnswer(message: string): HeldToken {
  const answer = parseDialogAnswer(message);
  if (answer?.kind === 'token') return { token: answer.accessToken, expiresAt: answer.expiresOn };
  if (answer?.kind === 'error')
    throw new SignInError('SIGN_IN_FAILED', `the sign-in failed: ${answer.message}`);
  throw new SignInError('SIGN_IN_FAILED', 'the sign-in window sent an answer Sendguard cannot read');
}

/**
 * The sign-in page's answer for a token: its expiry as MSAL reports it, else the token's own `exp`; a token whose
 * expiry is known to neither is no answer the pane could keep, so it is reported as a failure.
 */
export function tokenAnswer(accessToken: string, expiresOn: Date | null | undefined): DialogAnswer {
  const expiresAt = expiresOn?.getTime() ?? tokenExpiry(accessToken);
  return expiresAt === undefined || Number.isNaN(expiresAt)
    ? { kind: 'error', message: 'the token came without an expiry time' }
    : { kind: 'token', accessToken, expiresOn: expiresAt };
}

/** Whether a message from the dialog is to be heard, by its origin where Office names it. */
function heard(office: OfficeDialogApi, origin: string, from: string | undefined, message: string): boolean {
  if (office.context.requirements?.isSetSupported('DialogOrigin', '1.1')) return from === origin;
  return parseDialogAnswer(message) !== undefined;
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
          reject(dialogFailure(opened.error?.code, opened.error?.message));
          return;
        }
        const dialog = opened.value;
        let settled = false;
        /** Every answer and every event ends the sign-in: the window is closed, whatever closed it already. */
        const finish = (settle: () => void) => {
          if (settled) return;
          settled = true;
          try {
            dialog.close();
          } catch {
            // already closed (the sender closed it, or Office did): nothing left to close
          }
          settle();
        };
        dialog.addEventHandler(MESSAGE, ({ message = '', origin: from }) => {
          if (!heard(office, origin, from, message)) return;
          try {
            const held = readDialogAnswer(message);
            finish(() => resolve(held));
          } catch (error) {
            finish(() => reject(error as Error));
          }
        });
        dialog.addEventHandler(EVENT, ({ error }) => finish(() => reject(dialogFailure(error, undefined))));
      });
    });
}
