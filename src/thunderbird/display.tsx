/// <reference lib="dom" />
/**
 * The message display button's popup: the transport report of the message shown in the tab it was opened from.
 */
import { createRoot } from 'react-dom/client';
import { ReadPane } from '../addin/ui/ReadPane';
import { createMessageReadHost } from './message-read-host';
import { messengerGlobal } from './messenger';

async function start(): Promise<void> {
  const api = messengerGlobal();
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  const host = createMessageReadHost(api, tab?.id ?? -1, () => dark.matches);
  createRoot(document.getElementById('root')!).render(<ReadPane host={host} />);
}

void start();
