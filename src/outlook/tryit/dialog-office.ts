/**
 * What a page opened by the simulated Outlook's dialog API (simulated-dialog.ts) has for Office.js: `onReady`, and
 * `messageParent`, which posts the message to the window that opened it, addressed to `targetOrigin` (this page's
 * own origin when none is named). Served at /try/dialog-office.js; a test has the page load it in place of
 * Microsoft's Office.js, as the try-it page itself stands in for Outlook.
 */
import type { DialogPost } from './simulated-dialog';

const office = {
  onReady: (callback?: () => void) => {
    callback?.();
    return Promise.resolve({ host: 'Outlook', platform: 'OfficeOnline' });
  },
  context: {
    ui: {
      messageParent: (message: string, options: { targetOrigin?: string } = {}) => {
        const post: DialogPost = { sendguardDialogMessage: message };
        (window.opener as Window | null)?.postMessage(post, options.targetOrigin ?? location.origin);
      },
    },
  },
};

Object.assign(window, { Office: office });
