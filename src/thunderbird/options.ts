/// <reference lib="dom" />
/**
 * The options page: the backend's address and the API token, saved to `storage.local`, then tested at once.
 * Permission to reach that one host is asked for here (an optional host permission), not granted for every
 * site at install.
 */
import { connectBackend } from '../addin/backend';
import { messageOf } from '../core/errors';
import { testConnection } from './connection-test';
import { pinVerdictTrust } from './kept-verdicts';
import { messengerGlobal } from './messenger';
import { originPattern, parseBackendUrl, readSettings, saveSettings } from './settings';

const api = messengerGlobal();
const form = document.getElementById('settings') as HTMLFormElement;
const urlInput = document.getElementById('backendUrl') as HTMLInputElement;
const tokenInput = document.getElementById('token') as HTMLInputElement;
const result = document.getElementById('result') as HTMLParagraphElement;

function show(ok: boolean, text: string): void {
  result.className = ok ? 'ok' : 'error';
  result.textContent = text;
}

async function save(backendUrl: string, granted: Promise<boolean>): Promise<void> {
  if (!(await granted)) {
    show(
      false,
      `Sendguard needs your permission to reach ${backendUrl}. Without it, every message is stopped on Send.`,
    );
    return;
  }
  const token = tokenInput.value.trim();
  const connection = { backendUrl, ...(token ? { token } : {}) };
  await saveSettings(api.storage.local, connection);
  show(true, 'Saved. Testing the connection…');
  const tested = await testConnection(connectBackend(connection));
  // Pinned here, where the sender set up this service, and only here: the send check decides from kept verdicts
  // while the service is down only with this key.
  if (tested.ok) await pinVerdictTrust(api.storage.local, backendUrl, tested.verdictKey);
  show(tested.ok, tested.text);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  let backendUrl: string;
  try {
    backendUrl = parseBackendUrl(urlInput.value);
  } catch (error) {
    show(false, messageOf(error));
    return;
  }
  // Asked before anything is awaited: Thunderbird grants permission requests only while handling the click.
  const granted = api.permissions.request({ origins: [originPattern(backendUrl)] });
  save(backendUrl, granted).catch((error: unknown) => show(false, `Not saved: ${messageOf(error)}`));
});

void readSettings(api.storage.local).then((settings) => {
  if (!settings) return;
  urlInput.value = settings.backendUrl;
  tokenInput.value = settings.token ?? '';
});
