/**
 * Sending every message of a split in one step (issue 22's contract, rule 5), where the host lets the add-in reach
 * and send the messages it opened (Thunderbird). Each message is planned on its own, as the pane and its send check
 * plan one (the same `loadMessage` and `planWith`, with the classification the sender chose as the message holds
 * it: the host wrote it on each new message when it opened it), protected with the ordinary `applyPlan` and sent,
 * so its own send check runs on it; the new messages first, this message last, because sending it closes the
 * window the pane lives in. The first failure stops the rest: what was sent is sent, and the others stay open.
 */
import { capitalised, listed } from '../../core/english';
import { messageOf, SendguardError } from '../../core/errors';
import type { PlanGroup } from '../../core/plan';
import type { MailHost } from '../host';
import { isMessageGone } from '../message-gone';
import { applyPlan, type ApplyDeps, type OpenedGroup, type SenderInput } from '../protect/apply';
import { appliedToExactly } from '../protect/applied';
import { asSentence } from '../sentence';
import { loadMessage, planWith } from '../state';
import { groupName } from './group-names';

/** One message to send: where it goes and how it stands. */
export interface SendAllStep {
  /** Its recipients and protection, as the sender saw them in the groups. */
  label: string;
  state: 'waiting' | 'working' | 'sent' | 'failed';
  /** While working: what is happening; when failed: why. */
  detail?: string;
}

/** A message the add-in can protect and send itself. */
interface Sendable {
  label: string;
  host: MailHost;
  send: () => Promise<void>;
}

/**
 * The messages of a split as ones the add-in can send, the original (which kept `kept`) last; undefined where the
 * host cannot send the original or one of the opened messages.
 */
export function sendable(
  original: MailHost,
  kept: PlanGroup,
  opened: readonly OpenedGroup[],
): Sendable[] | undefined {
  const originalSend = original.send;
  if (!originalSend || opened.length === 0) return undefined;
  const others: Sendable[] = [];
  for (const { group, message } of opened) {
    if (!message.host || !message.send) return undefined;
    others.push({ label: groupName(group), host: message.host, send: message.send });
  }
  return [...others, { label: groupName(kept), host: original, send: () => originalSend() }];
}

class SendAllError extends SendguardError {
  constructor(message: string) {
    super('SEND_ALL_STOPPED', message);
  }
}

export interface SendAllInput {
  messages: readonly Sendable[];
  /** The original's connection and helpers; each message is applied through its own host. */
  deps: ApplyDeps;
  sender: SenderInput;
  /** Called whenever a step changes, with every step. */
  report: (steps: SendAllStep[]) => void;
}

/** Protects and sends one message as its own plan says; throws when the plan is not one message's protection. */
async function protectAndSend(
  message: Sendable,
  input: SendAllInput,
  progress: (detail: string) => void,
): Promise<void> {
  const { host } = message;
  progress('Checking the recipients…');
  // Nothing here shows mailbox access or the reply path: asked for neither, the service does not wait on them.
  const loaded = await loadMessage({ host, backend: input.deps.backend }, {});
  const planned = planWith(loaded, undefined, input.sender.passcode !== undefined);
  const { action, summary } = planned.plan;
  if (action === 'split' || action === 'block')
    throw new SendAllError(`It no longer goes as one message: ${summary}`);
  // Already applied from its own pane for exactly these recipients: the send check judges whether it still holds.
  const applied = loaded.applied !== undefined && appliedToExactly(loaded.applied, planned.addresses);
  if (action !== 'send' && !applied)
    await applyPlan(planned, loaded, { ...input.deps, host }, progress, input.sender);
  progress('Sending…');
  await message.send();
}

/**
 * The sentence after a stop: what was sent, what failed and why, and what waits open; a message whose window was
 * gone (closed or sent by the sender) is said to be out of reach, not waiting.
 */
function stoppedText(steps: readonly SendAllStep[], failed: SendAllStep, error: unknown): string {
  const sent = steps.filter((s) => s.state === 'sent').map((s) => s.label);
  const waiting = steps.filter((s) => s.state === 'waiting').map((s) => s.label);
  const gone = isMessageGone(error);
  const others =
    waiting.length > 0 ? `the messages for ${listed(waiting)} wait open for you to check and send.` : '';
  const after = gone
    ? [
        'That message could not be reached: it was closed or already sent.',
        ...(others ? [capitalised(others)] : []),
      ]
    : [others ? `That message and ${others}` : 'That message waits open for you to check and send.'];
  return [
    sent.length > 0 ? `Sent: the messages for ${listed(sent)}.` : 'Nothing was sent.',
    `${gone ? 'Stopped at' : 'Not sent:'} the message for ${failed.label}: ${asSentence(messageOf(error))}`,
    ...after,
  ].join(' ');
}

/** Protects and sends each message in order; throws a SendguardError SEND_ALL_STOPPED saying where it stopped. */
export async function sendAll(input: SendAllInput): Promise<void> {
  const steps: SendAllStep[] = input.messages.map((m) => ({ label: m.label, state: 'waiting' }));
  const update = (index: number, step: SendAllStep) => {
    steps[index] = step;
    input.report([...steps]);
  };
  for (const [index, message] of input.messages.entries()) {
    const { label } = message;
    update(index, { label, state: 'working' });
    try {
      await protectAndSend(message, input, (detail) => update(index, { label, state: 'working', detail }));
    } catch (error) {
      update(index, { label, state: 'failed', detail: messageOf(error) });
      throw new SendAllError(stoppedText(steps, steps[index]!, error));
    }
    update(index, { label, state: 'sent' });
  }
}
