/**
 * The try-it page: a simulated Outlook compose window beside the real pane bundle, with the real send handler
 * behind its Send button, all talking to the backend that serves the page (or `?backend=`; `?token=` for a
 * backend that needs one; `?theme=dark`; `?to=` to start with recipients, as when opening the pane on a draft;
 * `?sender=` the signed-in mailbox). Loaded before the add-in bundles, so `Office` exists when they start.
 *
 * A second compose form: where the add-in asks Outlook to open a new message (`displayNewMessageFormAsync`, as a
 * split does), the page opens itself in a new window with that message's `to`, `cc`, `bcc`, `subject` and `html`
 * and `opened=1`; there, as Outlook does for a new message, the launch-event bundle's OnNewMessageCompose handler
 * runs once on load (and not on a page opened directly, which stands for a draft the sender is editing). The pane
 * and that handler are the real bundles, so a split's hand-off crosses the real BroadcastChannel between the pages.
 *
 * Signing in as in Microsoft 365 (a backend with `auth.entra`), through a test OpenID Connect provider's token
 * endpoint standing in for Entra and Outlook's token broker (test/helpers/entra-provider.ts):
 *   `naa=<token endpoint>` this Outlook supports nested app authentication (MSAL talks to its bridge);
 *   `sso=<token endpoint>` this Outlook offers Office single sign-on instead (`Office.auth.getAccessToken`);
 * and, for either:
 *   `user=<object ID>`   the account signed in to Outlook (absent: nobody, so only the pane's Sign in helps);
 *   `name=<name>`        its display name (the address is `sender`);
 *   `signin=<object ID>` who signs in at the pane's Sign in (absent: the sign-in is closed unanswered);
 *   `lifetime=<seconds>` the lifetime of the tokens handed out (negative: already expired);
 *   `resource=<URI>`     hand out tokens for another API instead (the service refuses them);
 *   `naaFault=interaction` the host answers a silent request "user interaction required" (consent missing)
 *                        until the sender signs in at the pane's Sign in; `naaFault=network` it has no network.
 * The simulated sign-in works only where the service turns it on (`tryIt.simulatedSignIn`, for tests): it hands
 * out tokens naming any user. Where it is off (/try/settings.js says so), the page says so and ignores these.
 */
import { fetchSignInSettings } from '../../addin/backend';
import { escapeMarkup, textOfHtml } from '../../core/markup';
import { RECIPIENT_FIELDS } from '../../core/recipient-fields';
import { bytesToBase64 } from '../../core/base64';
import { naaFaultOf, simulatedNaaBridge } from './naa-bridge';
import {
  emptyState,
  textToHtml,
  type SimAttachment,
  type SimForm,
  type SimRecipient,
} from './simulated-office';
import { simulatedOfficeSso } from './simulated-sso';
import type { SimAccount, SimBroker } from './test-broker';
import { startTryPage } from './try-page';

const query = new URLSearchParams(location.search);
const sender = query.get('sender') ?? 'sender@example.gov';
const backendUrl = query.get('backend') ?? location.origin;

/** The account with this object ID, as Outlook would know it. */
function account(oid: string | null): SimAccount | undefined {
  return oid ? { oid, username: sender, name: query.get('name') ?? sender } : undefined;
}

/** Who is signed in, who signs in at a prompt, and the broker behind both. */
function signInSimulation(tokenUrl: string) {
  const [user, signsIn] = [account(query.get('user')), account(query.get('signin'))];
  const fields = Object.fromEntries(
    ['lifetime', 'resource'].flatMap((name) => (query.get(name) ? [[name, query.get(name)!]] : [])),
  );
  const broker: SimBroker = { tokenUrl, fields };
  return { broker, ...(user ? { account: user } : {}), ...(signsIn ? { signsIn } : {}) };
}

/** Set by /try/settings.js, which the service renders; absent (another server), the simulated sign-in is off. */
const simulatedSignIn =
  (window as { sendguardTrySettings?: { simulatedSignIn?: boolean } }).sendguardTrySettings
    ?.simulatedSignIn === true;
const asked = [query.get('naa'), query.get('sso')];
const [naaUrl, ssoUrl] = simulatedSignIn ? asked : [null, null];
const naaFault = naaFaultOf(query.get('naaFault'));
const sso = ssoUrl
  ? simulatedOfficeSso({
      ...signInSimulation(ssoUrl),
      scopes: async () => (await fetchSignInSettings({ baseUrl: backendUrl })).entra?.scopes ?? [],
    })
  : undefined;
/** Roaming settings outlive the page here, as Exchange keeps them in the mailbox: the sender's links survive a reload. */
const ROAMING_KEY = 'sendguard-try-roaming-settings';

/** The roaming settings this browser saved for the page; none when there are none or they are damaged. */
function savedRoaming(): Record<string, unknown> {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(ROAMING_KEY) ?? '{}');
    return typeof saved === 'object' && saved !== null && !Array.isArray(saved)
      ? (saved as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** The parameters a new compose form is opened with; every other parameter (backend, token, sign-in) carries over. */
const FORM_PARAMETERS = ['to', 'cc', 'bcc', 'subject', 'html', 'opened'];

/** Opens the new message in a window of its own: this page, with the message's fields. */
function openForm(form: SimForm): void {
  const params = new URLSearchParams(location.search);
  for (const name of FORM_PARAMETERS) params.delete(name);
  const fields: Array<[string, string | undefined]> = [
    ['to', form.toRecipients?.join(',')],
    ['cc', form.ccRecipients?.join(',')],
    ['bcc', form.bccRecipients?.join(',')],
    ['subject', form.subject],
    ['html', form.htmlBody],
  ];
  for (const [name, value] of fields) if (value) params.set(name, value);
  params.set('opened', '1');
  if (!window.open(`${location.pathname}?${params}`, '_blank'))
    throw new Error(
      'The browser blocked the new message’s window: allow pop-ups for this page and try again.',
    );
}

const state = { ...emptyState(), roaming: savedRoaming() };
const sim = startTryPage(
  { sender, state, nestedAppAuth: naaUrl !== null, openForm, ...(sso ? { auth: sso } : {}) },
  {
    SENDGUARD_CONFIG: {
      backendUrl,
      ...(query.get('token') ? { token: query.get('token') } : {}),
    },
    ...(naaUrl
      ? {
          nestedAppAuthBridge: simulatedNaaBridge({
            ...signInSimulation(naaUrl),
            ...(naaFault ? { fault: naaFault } : {}),
          }),
        }
      : {}),
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

for (const field of RECIPIENT_FIELDS) sim.state[field] = parseList(query.get(field) ?? '');
sim.state.subject = query.get('subject') ?? '';
if (query.get('html')) {
  sim.state.html = query.get('html')!;
  sim.state.text = textOfHtml(sim.state.html);
}

/** Pictures the sender put in the body (`<img src="cid:…">`), kept after the text as they type. */
const pictures: string[] = [];

function typedBody(text: string): void {
  sim.state.text = text;
  sim.state.html = textToHtml(text) + pictures.join('');
  sim.state.bodyType = 'html';
}

function renderAttachments(): void {
  const list = $('attachments');
  list.replaceChildren(
    ...sim.state.attachments.map((a) => {
      const li = document.createElement('li');
      const what = a.isInline
        ? ', a picture in the text'
        : a.attachmentType === 'item'
          ? ', an attached item'
          : '';
      li.textContent = `${a.name} (${a.size} bytes${what})`;
      return li;
    }),
  );
}

/** Attached items as Outlook gives them: a message or event (named without extension), its content as text. */
const ITEM_FORMATS: Record<string, 'eml' | 'iCalendar'> = { '.eml': 'eml', '.ics': 'iCalendar' };

async function attached(file: File, isInline: boolean): Promise<SimAttachment> {
  const dot = file.name.lastIndexOf('.');
  const format = dot > 0 && !isInline ? ITEM_FORMATS[file.name.slice(dot).toLowerCase()] : undefined;
  return {
    id: `file-${sim.state.attachments.length + 1}-${file.name}`,
    name: format ? file.name.slice(0, dot) : file.name,
    contentType: file.type || 'application/octet-stream',
    base64: bytesToBase64(await file.arrayBuffer()),
    size: file.size,
    isInline,
    ...(format ? { attachmentType: 'item' as const, item: { format, content: await file.text() } } : {}),
  };
}

/** A content id as Outlook makes one for a picture in the body: its name, `@`, and a unique suffix. */
function contentIdFor(name: string): string {
  const hex = (n: number) =>
    Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${name}@01DA${hex(2).toUpperCase()}.${hex(4).toUpperCase()}`;
}

/** The simulated mailbox: the new messages the add-in opened (a split's groups, the sender's copy of their link). */
function renderMailbox(): void {
  $('opened').replaceChildren(
    ...sim.state.opened.map((m) => {
      const li = document.createElement('li');
      li.textContent = `To ${(m.toRecipients ?? []).join(', ')} — ${m.subject ?? ''}\n${textOfHtml(m.htmlBody ?? '')}`;
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
  renderMailbox();
  localStorage.setItem(ROAMING_KEY, JSON.stringify(sim.state.roaming));
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
  $('body').addEventListener('input', (event) => typedBody((event.target as HTMLTextAreaElement).value));
  $('attach').addEventListener('change', async (event) => {
    for (const file of Array.from((event.target as HTMLInputElement).files ?? [])) {
      sim.state.attachments.push(await attached(file, false));
    }
    renderAttachments();
  });
  $('picture').addEventListener('change', async (event) => {
    for (const file of Array.from((event.target as HTMLInputElement).files ?? [])) {
      const contentId = contentIdFor(file.name);
      sim.state.attachments.push({ ...(await attached(file, true)), contentId });
      pictures.push(`<img src="cid:${escapeMarkup(contentId)}" alt="${escapeMarkup(file.name)}">`);
    }
    typedBody(sim.state.text);
    renderAttachments();
  });
}

/** On a new message Outlook opened: its OnNewMessageCompose handler, once, as Outlook runs it. */
function newMessageOpened(): void {
  if (query.get('opened') !== '1') return;
  const handler = sim.actions.get('onNewMessageComposeHandler');
  if (!handler) return;
  void handler({
    completed: () => {
      document.body.dataset.newMessageChecked = 'true';
      showItem();
    },
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
  const started = performance.now();
  void handler({
    completed: (options: Completion = {}) => {
      // How long Outlook would have waited for the check: what the send-handler bench reads.
      alert.dataset.decidedInMs = (performance.now() - started).toFixed(1);
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

/** Says, when `?naa=` or `?sso=` was given, that the service has the simulated sign-in off. */
function noticeSimulatedSignInOff(): void {
  if (simulatedSignIn || asked.every((url) => url === null)) return;
  const notice = $('try-notice');
  notice.textContent =
    'The simulated sign-in is off on this Sendguard service (tryIt.simulatedSignIn), so naa= and sso= are ' +
    'ignored: this simulated Outlook signs nobody in.';
  notice.hidden = false;
}

document.addEventListener('DOMContentLoaded', () => {
  noticeSimulatedSignInOff();
  watchFields();
  newMessageOpened();
  $('send').addEventListener('click', send);
  $('open-pane').addEventListener('click', () => $('pane').scrollIntoView());
  // The add-in writes to the item; keep the compose fields showing what it holds.
  setInterval(() => {
    if (document.activeElement?.closest('#compose')) return;
    showItem();
  }, 500);
});
