/// <reference types="office-js" />
/**
 * The automatic checks (manifest `LaunchEvent`s): on send, stop a message that would leave less protected than
 * policy requires; on compose and on every recipient change, keep the info bar's one-line summary current.
 *
 * Built as one self-contained ES2016 file for classic Outlook's JavaScript-only runtime: handlers are associated
 * at top level (nothing inside `Office.onReady` runs there), the backend URL is absolute, and every handler ends
 * in exactly one `event.completed`, after which no timer of ours is left running.
 */
import { createBackend } from '../addin/backend';
import { checkSend, readAndEvaluate, type SendDecision } from '../addin/send-check';
import { recipientSummary } from '../addin/summary';
import { addinConfig, OPEN_PANE_COMMAND } from './config';
import { createOfficeHost } from './office-host';

const INFO_BAR_ID = 'sendguard-summary';

interface CompletedOptions {
  allowEvent?: boolean;
  errorMessage?: string;
  errorMessageMarkdown?: string;
  cancelLabel?: string;
  commandId?: string;
  sendModeOverride?: string;
}

interface LaunchEvent {
  completed(options?: CompletedOptions): void;
}

function backend() {
  const config = addinConfig();
  return createBackend({ baseUrl: config.backendUrl, ...(config.token ? { token: config.token } : {}) });
}

/** What Outlook is told for each decision. Markdown and the pane button are ignored where unsupported. */
export function completion(decision: SendDecision): CompletedOptions {
  switch (decision.kind) {
    case 'allow':
      return { allowEvent: true };
    case 'block':
      return {
        allowEvent: false,
        errorMessage: decision.text,
        errorMessageMarkdown: decision.markdown,
        cancelLabel: 'Open Sendguard',
        commandId: OPEN_PANE_COMMAND,
      };
    case 'unanswered':
      return {
        allowEvent: false,
        errorMessage: decision.prompt ? `${decision.text} You may send it anyway.` : decision.text,
        cancelLabel: 'Open Sendguard',
        commandId: OPEN_PANE_COMMAND,
        // Value of Office.MailboxEnums.SendModeOverride.PromptUser, spelt out: the enum may be missing here.
        ...(decision.prompt ? { sendModeOverride: 'promptUser' } : {}),
      };
  }
}

export async function onMessageSendHandler(event: LaunchEvent): Promise<void> {
  let options: CompletedOptions = {
    allowEvent: false,
    errorMessage: 'Sendguard could not check this message, so it was not sent. Try again.',
  };
  try {
    const host = createOfficeHost(Office);
    const decision = await checkSend(host, backend());
    if (decision.kind === 'allow' && decision.changes) {
      const { subject, headers } = decision.changes;
      if (subject !== undefined) await host.setSubject(subject);
      if (Object.keys(headers).length > 0) await host.setHeaders(headers);
    }
    options = completion(decision);
  } catch {
    // `options` still holds the refusal: an error here must never let the message out.
  } finally {
    event.completed(options);
  }
}

export async function onComposeChangeHandler(event: LaunchEvent): Promise<void> {
  try {
    const host = createOfficeHost(Office);
    const evaluation = await readAndEvaluate(host, backend());
    const text =
      evaluation.kind === 'planned'
        ? recipientSummary(evaluation.planned.plan)
        : 'Sendguard could not check the recipients yet; open Sendguard to see why.';
    await host.notify({ id: INFO_BAR_ID, kind: 'info', text });
  } catch {
    // The info bar is advice; the send check decides. Nothing to do but finish.
  } finally {
    event.completed();
  }
}

// Top level, not in Office.onReady: the JavaScript-only runtime never calls onReady.
if (typeof Office !== 'undefined' && Office.actions) {
  Office.actions.associate('onMessageSendHandler', onMessageSendHandler);
  Office.actions.associate('onNewMessageComposeHandler', onComposeChangeHandler);
  Office.actions.associate('onMessageRecipientsChangedHandler', onComposeChangeHandler);
}
