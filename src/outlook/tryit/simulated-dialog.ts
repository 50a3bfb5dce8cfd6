/**
 * The Office dialog API as the simulated Outlook offers it (`Office.context.ui.displayDialogAsync`): the page
 * opens in a popup window of the browser, and the page's own `Office` there (dialog-office.ts, standing in for
 * Office.js) hands its message to this window with `messageParent`. The pane hears each message with its sender's
 * origin, as DialogOrigin 1.1 names it, and hears event 12006 when the sender closes the window.
 */

type DialogHandler = (args: { message?: string; origin?: string; error?: number }) => void;
type Callback = (result: {
  status: string;
  value: unknown;
  error?: { code: number; message: string };
}) => void;

/** How dialog-office.ts wraps a message it posts to the window that opened it. */
export interface DialogPost {
  sendguardDialogMessage: string;
}

/** The window's name: not MSAL's own `msal.` popups, which MSAL would refuse to sign in from. */
const DIALOG_NAME = 'sendguard-dialog';
/** Office's dialog events: the sender closed it; another dialog is open already. */
const CLOSED = 12006;
const ALREADY_OPEN = 12007;
/** How often the window is looked at for having been closed (browsers raise no event for it). */
const WATCH_MS = 250;

function failed(callback: Callback, code: number, message: string): void {
  setTimeout(() => callback({ status: 'failed', value: undefined, error: { code, message } }), 0);
}

/** `size`: Office's percentages of the screen, here of the page's window. */
function features(size: { height?: number; width?: number }): string {
  const pixels = (percent: number | undefined, of: number) => Math.round(((percent ?? 50) / 100) * of);
  return `popup,width=${pixels(size.width, window.outerWidth)},height=${pixels(size.height, window.outerHeight)}`;
}

export function simulatedDialogUi() {
  let open: Window | null = null;
  return {
    displayDialogAsync(url: string, options: { height?: number; width?: number }, callback: Callback): void {
      if (open && !open.closed) return failed(callback, ALREADY_OPEN, 'A dialog is already open.');
      const popup = window.open(new URL(url, location.href).href, DIALOG_NAME, features(options));
      if (!popup) return failed(callback, 12009, 'The browser did not open the window.');
      open = popup;
      const handlers = new Map<string, DialogHandler>();
      const heard = (event: MessageEvent) => {
        const posted = event.data as Partial<DialogPost> | null;
        if (event.source !== popup || typeof posted?.sendguardDialogMessage !== 'string') return;
        handlers.get('dialogMessageReceived')?.({
          message: posted.sendguardDialogMessage,
          origin: event.origin,
        });
      };
      const stop = () => {
        clearInterval(watch);
        window.removeEventListener('message', heard);
      };
      const watch = setInterval(() => {
        if (!popup.closed) return;
        stop();
        handlers.get('dialogEventReceived')?.({ error: CLOSED });
      }, WATCH_MS);
      window.addEventListener('message', heard);
      const dialog = {
        addEventHandler: (type: string, handler: DialogHandler) => handlers.set(type, handler),
        close: () => {
          stop();
          popup.close();
        },
      };
      setTimeout(() => callback({ status: 'succeeded', value: dialog }), 0);
    },
  };
}
