/**
 * The try-it read page (/try/read.html): a simulated received message beside the real read pane bundle. The
 * reader pastes a message's headers (or a whole .eml) and opens it; the simulated Office returns them from
 * `getAllInternetHeadersAsync`, as Outlook does. Loaded before the pane bundle, so `Office` exists when it starts.
 * The opened message is kept for the tab's session: opening another reloads the page, as Outlook reopens the pane.
 */
import { SAMPLE_RECEIVED } from './sample-received';
import { startTryPage } from './try-page';

const STORED = 'sendguard-try-received';
const received = sessionStorage.getItem(STORED) ?? SAMPLE_RECEIVED;
startTryPage({ received });

document.addEventListener('DOMContentLoaded', () => {
  const raw = document.getElementById('raw') as HTMLTextAreaElement;
  raw.value = received;
  document.getElementById('open')!.addEventListener('click', () => {
    sessionStorage.setItem(STORED, raw.value);
    location.reload();
  });
  document.getElementById('sample')!.addEventListener('click', () => {
    sessionStorage.removeItem(STORED);
    location.reload();
  });
});
