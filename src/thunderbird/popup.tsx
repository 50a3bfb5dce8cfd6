/// <reference lib="dom" />
/**
 * The compose button's popup: finds the compose tab it was opened from, reads the settings, and renders the
 * shared pane over that tab's `MailHost`. Opened as `popup.html?tabId=N` (in its own window, which only the
 * add-on itself can open) it shows the pane for compose tab N instead: that is where the popup hands a split over
 * (pane-window.ts), and how the real-Thunderbird test drives the pane, because a compose_action popup opened by a
 * script stays blank under Xvfb.
 */
import { createRoot } from 'react-dom/client';
import { createComposeHost } from './compose-host';
import { messengerGlobal } from './messenger';
import { NotSetUp, PopupApp } from './PopupApp';
import { PANE_TAB_PARAM, reopenInWindow } from './pane-window';
import { grantOverride, pendingPrompt } from './prompt-override';
import { connectBackend } from '../addin/backend';
import { withThunderbirdKeptVerdicts } from './kept-verdicts';
import { recordFailure } from '../addin/failure-log';
import { randomHex } from '../addin/random-hex';
import { messageOf } from '../core/errors';
import { readSettings } from './settings';

async function start(): Promise<void> {
  const api = messengerGlobal();
  const root = createRoot(document.getElementById('root')!);
  const named = Number(new URLSearchParams(location.search).get(PANE_TAB_PARAM) ?? Number.NaN);
  const inButtonPopup = !Number.isInteger(named);
  const [[tab], settings] = await Promise.all([
    inButtonPopup ? api.tabs.query({ active: true, currentWindow: true }) : Promise.resolve([{ id: named }]),
    readSettings(api.storage.local),
  ]);
  if (!settings || tab?.id === undefined) {
    root.render(<NotSetUp onOpenOptions={() => void api.runtime.openOptionsPage()} />);
    return;
  }
  const tabId = tab.id;
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  const prompt = await pendingPrompt(api.storage.local, tabId);
  root.render(
    <PopupApp
      pane={{
        host: {
          ...createComposeHost(api, tabId, () => dark.matches),
          ...(inButtonPopup
            ? { reopenInWindow: () => reopenInWindow(api, tabId, () => window.close()) }
            : {}),
        },
        backend: await withThunderbirdKeptVerdicts(connectBackend(settings), api.storage.local, settings),
        ...settings,
        randomHex,
        escrow: (request) =>
          import(/* webpackChunkName: "escrow" */ 'sendguard-escrow').then((m) => m.escrowMessage(request)),
      }}
      {...(prompt ? { prompt } : {})}
      onSendAnyway={() => grantOverride(api.storage.local, tabId)}
    />,
  );
}

// A popup that could not start says so, rather than staying blank; the send check does not depend on it.
start().catch((error: unknown) => {
  recordFailure('opening the Sendguard pane', error);
  document.getElementById('root')!.textContent =
    `Sendguard could not open its pane (${messageOf(error)}). Close this window and click the Sendguard button again.`;
});
