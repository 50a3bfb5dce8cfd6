/**
 * The try-it page: a simulated Outlook compose window beside the real pane bundle, with the real send handler
 * behind its Send button, all talking to the backend that serves the page (or `?backend=`; `?token=` for a
 * backend that needs one; `?theme=dark`; `?to=` to start with recipients, as when opening the pane on a draft).
 * Loaded before the add-in bundles, so `Office` exists when they start.
 */
import { RECIPIENT_FIELDS } from '../../core/recipient-fields';
import { bytesToBase64 } from '../base64';
import { textToHtml, type SimRecipient } from './simulated-office';
import { startTryPage } from './try-page';

const query = new URLSearchParams(location.search);
const sim = startTryPage(
  { sender: query.get('sender') ?? 'sender@example.gov' },
  {
    SENDGUARD_CONFIG: {
      backendUrl: query.get('backend') ?? location.origin,
      ...(query.get('token') ? { token: query.get('token') } : {}),
    },
  },
);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function parseList(value: string): SimRecipient[] {
  return value
    .split(/[;,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => ({ emailAddress: entry, displayName: entry }));
}

sim.state.to = parseList(query.get('to') ?? '');

function renderAttachments(): void {
  const list = $('attachments');
  list.replaceChildren(
    ...sim.state.attachments.map((a) => {
      const li = document.createElement('li');
      li.textContent = `${a.name} (${a.size} bytes)`;
      return li;
    }),
  );
}

/** Shows what the add-in changed in the item (subject, body, attachments) in the compose fields. */
function showItem(): void {
  ($('subject') as HTMLInputElement).value = sim.state.subject;
  ($('body') as HTMLTextAreaElement).value = sim.state.text;
  for (const field of RECIPIENT_FIELDS) {
    ($(field) as HTMLInputElement).value = sim.state[field].map((r) => r.emailAddress).join(', ');
  }
  renderAttachments();
  $('infobar').textContent = Object.values(sim.state.notices)
    .map((n) => n.message)
    .join(' · ');
}

function watchFields(): void {
  for (const field of RECIPIENT_FIELDS) {
    $(field).addEventListener('change', (event) => {
      sim.state[field] = parseList((event.target as HTMLInputElement).value);
      sim.recipientsChanged();
    });
  }
  $('subject').addEventListener('input', (event) => {
    sim.state.subject = (event.target as HTMLInputElement).value;
  });
  $('body').addEventListener('input', (event) => {
    sim.state.text = (event.target as HTMLTextAreaElement).value;
    sim.state.html = textToHtml(sim.state.text);
  });
  $('attach').addEventListener('change', async (event) => {
    for (const file of Array.from((event.target as HTMLInputElement).files ?? [])) {
      const base64 = bytesToBase64(await file.arrayBuffer());
      sim.state.attachments.push({
        id: `file-${sim.state.attachments.length + 1}-${file.name}`,
        name: file.name,
        contentType: file.type || 'application/octet-stream',
        base64,
        size: file.size,
        isInline: false,
      });
    }
    renderAttachments();
  });
}

interface Completion {
  allowEvent?: boolean;
  errorMessage?: string;
  sendModeOverride?: string;
}

/** Runs the real send handler the way Outlook does, and shows what Outlook would. */
function send(): void {
  const alert = $('alert');
  const handler = sim.actions.get('onMessageSendHandler');
  alert.className = '';
  if (!handler) {
    alert.className = 'blocked';
    alert.textContent = 'The send check is not loaded, so nothing is sent.';
    return;
  }
  $('send').setAttribute('disabled', '');
  void handler({
    completed: (options: Completion = {}) => {
      $('send').removeAttribute('disabled');
      showItem();
      if (options.allowEvent) {
        alert.className = 'sent';
        alert.textContent = `Sent. Subject: ${sim.state.subject}\nHeaders: ${JSON.stringify(sim.state.headers)}`;
      } else {
        alert.className = 'blocked';
        alert.textContent = `Not sent. ${options.errorMessage ?? ''}`;
      }
    },
  });
}

document.addEventListener('DOMContentLoaded', () => {
  watchFields();
  $('send').addEventListener('click', send);
  $('open-pane').addEventListener('click', () => $('pane').scrollIntoView());
  // The add-in writes to the item; keep the compose fields showing what it holds.
  setInterval(() => {
    if (document.activeElement?.closest('#compose')) return;
    showItem();
  }, 500);
});
