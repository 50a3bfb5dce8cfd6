/// <reference lib="dom" />
/**
 * The compose button's popup: finds the compose tab it was opened from, reads the settings, and renders the
 * shared pane over that tab's `MailHost`. Opened as `popup.html?tabId=N` (in its own window or tab, which only
 * the add-on itself can open) it shows the pane for compose tab N instead: the real-Thunderbird test drives the
 * pane that way, because a compose_action popup opened by a script stays blank under Xvfb.
 */
import { createRoot } from 'react-dom/client';
import { createComposeHost } from './compose-host';
import { messengerGlobal } from './messenger';
import { NotSetUp, PopupApp } from './PopupApp';
import { grantOverride, pendingPrompt } from './prompt-override';
import { randomHex } from '../addin/random-hex';
import { backendFor, readSettings } from './settings';

async function start(): Promise<void> {
  const api = messengerGlobal();
  const root = createRoot(document.getElementById('root')!);
  const named = Number(new URLSearchParams(location.search).get('tabId') ?? Number.NaN);
  const [[tab], settings] = await Promise.all([
    Number.isInteger(named)
      ? Promise.resolve([{ id: named }])
      : api.tabs.query({ active: true, currentWindow: true }),
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
        host: createComposeHost(api, tabId, () => dark.matches),
        backend: backendFor(settings),
        backendUrl: settings.backendUrl,
        ...(settings.token ? { token: settings.token } : {}),
        randomHex,
        escrow: (request) =>
          import(/* webpackChunkName: "escrow" */ 'sendguard-escrow').then((m) => m.escrowMessage(request)),
      }}
      {...(prompt ? { prompt } : {})}
      onSendAnyway={() => grantOverride(api.storage.local, tabId)}
    />,
  );
}

void start();
