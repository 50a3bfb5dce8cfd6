/**
 * The automatic check on Send (`compose.onBeforeSend`): re-check the recipients against the backend, add the
 * forced-TLS tag through the returned details, let through a message the pane already protected for exactly
 * these recipients, and cancel anything else with a notification saying what to do.
 *
 * Fails closed on every path. Thunderbird sends when a listener returns nothing, and hangs the compose window
 * when one throws, so this function always returns an explicit answer and never throws. Every input to the
 * decision is read afresh — settings and "send anyway" answers from `storage.local`, classification and applied
 * record from the message's own headers — so a suspended and restarted event page decides exactly alike. The
 * backend client's deadline (3.5 s) keeps each check far inside the event page's idle time-out (30 s).
 */
import { connectBackend } from '../addin/backend';
import { reportAnswer } from '../addin/decision-report';
import { recordFailure } from '../addin/failure-log';
import type { HostRecipients } from '../addin/host';
import type { ListDirectory } from '../addin/lists/directory';
import type { MessageReader } from '../addin/read-message';
import { checkMessage, type SendDecision } from '../addin/send-check';
import { messageOf } from '../core/errors';
import { bodyOf, headerOf, recipientsOf, settableHeader, withHeaders } from './details';
import type { BeforeSendResult, ComposeDetails, Messenger, Tab } from './messenger';
import { thunderbirdLists } from './mailing-lists';
import { notify } from './notify';
import { askToOverride, forgetTab, recipientsKey, takeOverride } from './prompt-override';
import { systemClock, type Clock } from '../core/clock';
import { readSettings } from './settings';
import { withThunderbirdKeptVerdicts } from './kept-verdicts';
import { threadOrigin } from './thread-origin';

export interface BeforeSendDeps {
  api: Messenger;
  /** The backend client's fetch; the real one by default. */
  fetch?: typeof fetch;
  /** When a "Send anyway" runs out; the system clock by default. */
  clock?: Clock;
}

const OPEN_PANE = 'Click the Sendguard button in this message’s toolbar to see what each recipient needs.';

const NOT_SET_UP =
  'Sendguard is not set up, so it cannot check this message and did not send it. Enter the Sendguard service’s address in the add-on’s options (Add-ons and Themes → Sendguard → Options), then send again.';

const SIGN_IN =
  'Check the API token in the add-on’s options (Add-ons and Themes → Sendguard → Options), then send again.';

const unexpected = (error: unknown) =>
  `Sendguard could not check this message (${messageOf(error)}), so it was not sent. Try sending again; if this keeps happening, restart Thunderbird.`;

/** One notification per compose tab: a second refusal replaces the first instead of stacking. */
export const noticeId = (tabId: number | undefined) => `sendguard-send-${tabId ?? 'unknown'}`;

/** The compose tab a refusal's notification is about, if it is one. */
export function tabOfNotice(id: string): number | undefined {
  const match = /^sendguard-send-(\d+)$/.exec(id);
  return match ? Number(match[1]) : undefined;
}

/** The recipients are read once, by the caller: the check and a "send anyway" answer must be about the same. */
function detailsReader(
  api: Messenger,
  details: ComposeDetails,
  recipients: HostRecipients,
  lists: ListDirectory,
): MessageReader {
  return {
    getThreadOrigin: () => threadOrigin(api, details),
    getRecipients: async () => recipients,
    lists,
    getSubject: async () => details.subject ?? '',
    getBody: async (format) => bodyOf(details, format),
    getHeader: async (name) => headerOf(details, name),
  };
}

/** Never throws: telling the sender is best effort (a failure to tell is recorded), the cancel is not. */
async function cancel(api: Messenger, tab: Tab, text: string): Promise<BeforeSendResult> {
  await Promise.all([
    notify(api, { id: noticeId(tab.id), kind: 'error', text }).catch((error: unknown) =>
      recordFailure('showing why the message was stopped', error),
    ),
    api.composeAction
      .setBadgeText({ text: '!', ...(tab.id !== undefined ? { tabId: tab.id } : {}) })
      .catch((error: unknown) => recordFailure('marking the Sendguard button', error)),
  ]);
  return { cancel: true };
}

async function allow(api: Messenger, tab: Tab, details?: ComposeDetails): Promise<BeforeSendResult> {
  if (tab.id !== undefined) {
    await Promise.allSettled([
      forgetTab(api.storage.local, tab.id),
      api.composeAction.setBadgeText({ text: null, tabId: tab.id }),
    ]);
  }
  return details ? { details } : {};
}

async function answer(
  deps: BeforeSendDeps,
  tab: Tab,
  details: ComposeDetails,
  recipients: HostRecipients,
  decision: SendDecision,
): Promise<BeforeSendResult> {
  const { api } = deps;
  switch (decision.kind) {
    case 'allow': {
      if (!decision.changes) return allow(api, tab);
      const { subject, headers } = decision.changes;
      const unsettable = Object.keys(headers).filter((name) => !settableHeader(name));
      if (unsettable.length > 0) {
        return cancel(
          api,
          tab,
          `Your organisation’s policy asks for the header ${unsettable.join(', ')}, which Thunderbird does not let add-ons set, so the message was not sent. Ask your administrator to use a header whose name starts with X-.`,
        );
      }
      return allow(api, tab, {
        ...(subject !== undefined ? { subject } : {}),
        ...(Object.keys(headers).length > 0 ? { customHeaders: withHeaders(details, headers) } : {}),
      });
    }
    case 'block':
      if (decision.prompt) return offerOverride(deps, tab, recipients, decision.text);
      return cancel(api, tab, `${decision.text} ${OPEN_PANE}`);
    case 'unanswered':
      if (decision.signIn) return cancel(api, tab, `${decision.text} ${SIGN_IN}`);
      if (decision.prompt) return offerOverride(deps, tab, recipients, decision.text);
      return cancel(api, tab, decision.text);
  }
}

/**
 * Where the policy lets the sender decide: an answer given in the pane for exactly these recipients lets the
 * message go once; otherwise the question is recorded for the pane and the message stopped.
 */
async function offerOverride(
  { api, clock = systemClock }: BeforeSendDeps,
  tab: Tab,
  recipients: HostRecipients,
  text: string,
): Promise<BeforeSendResult> {
  if (tab.id === undefined) return cancel(api, tab, text);
  const key = recipientsKey(recipients);
  if (await takeOverride(api.storage.local, tab.id, key, clock)) return allow(api, tab);
  await askToOverride(api.storage.local, tab.id, { text, recipients: key });
  return cancel(
    api,
    tab,
    `${text} Your organisation lets you send it anyway: open Sendguard in this message, choose “Send anyway”, then send again.`,
  );
}

export async function beforeSend(
  deps: BeforeSendDeps,
  tab: Tab,
  details: ComposeDetails,
): Promise<BeforeSendResult> {
  const { api } = deps;
  const clock = deps.clock ?? systemClock;
  const budget = { startedAt: clock.monotonic(), clock };
  try {
    const settings = await readSettings(api.storage.local);
    if (!settings) return await cancel(api, tab, NOT_SET_UP);
    // Mailing lists marked from the address books, so that the check expands them as Thunderbird will.
    const lists = thunderbirdLists(api);
    const [recipients, backend] = await Promise.all([
      lists.mark(recipientsOf(details)),
      withThunderbirdKeptVerdicts(connectBackend(settings, deps.fetch), api.storage.local, settings),
    ]);
    const reader = detailsReader(api, details, recipients, lists.directory);
    const { decision, reportable } = await checkMessage(reader, backend);
    const result = await answer(deps, tab, details, recipients, decision);
    // Reported once the answer is final: a tag Thunderbird cannot set stops the message, a "send anyway" lets
    // a refused one go.
    await reportAnswer(backend, 'thunderbird', reportable, result.cancel ? 'stopped' : 'sent', budget);
    return result;
  } catch (error) {
    recordFailure('the send check', error);
    return cancel(api, tab, unexpected(error));
  }
}
