/**
 * "Send anyway" where the policy allows it (`onSend.backendUnreachable: prompt` when the check got no answer,
 * `onSend.allowOverride` when the plan refused the message). A background cannot hold a
 * question open across a suspension, so the question and the answer live in `storage.local`: the send check
 * cancels and records the question for that compose tab; the pane offers "Send anyway" and records the answer;
 * the next send of the same recipients within a few minutes finds it and uses it up.
 */
import type { HostRecipients } from '../addin/host';
import { systemClock, type Clock } from '../core/clock';
import { canonicalMailboxKey } from '../core/mailbox-key';
import { RECIPIENT_FIELDS } from '../core/recipient-fields';
import type { StorageArea } from './messenger';

export interface PendingPrompt {
  /** Why the check could not answer, as the sender was told. */
  text: string;
  recipients: string;
}

interface Override {
  recipients: string;
  until: number;
}

/** Long enough to open the pane and click Send again; short enough that a forgotten answer does not linger. */
export const OVERRIDE_MS = 10 * 60_000;

const promptKey = (tabId: number) => `prompt:${tabId}`;
const overrideKey = (tabId: number) => `override:${tabId}`;

/**
 * The recipients an answer applies to: adding someone afterwards needs a new answer. Each is in its comparison
 * form (the host's reading already normalised the domains, so no IDNA step is needed); an entry that is not an
 * address is kept as typed, so that it too must be the same.
 */
export function recipientsKey(recipients: HostRecipients): string {
  const all = RECIPIENT_FIELDS.flatMap((field) => recipients[field]).map(
    (r) => canonicalMailboxKey(r.address) ?? r.address,
  );
  return [...new Set(all)].sort().join(',');
}

export async function askToOverride(
  storage: StorageArea,
  tabId: number,
  prompt: PendingPrompt,
): Promise<void> {
  await storage.set({ [promptKey(tabId)]: prompt });
}

export async function pendingPrompt(storage: StorageArea, tabId: number): Promise<PendingPrompt | undefined> {
  return (await storage.get(promptKey(tabId)))[promptKey(tabId)] as PendingPrompt | undefined;
}

/** The sender's "Send anyway", for the recipients they were asked about. */
export async function grantOverride(
  storage: StorageArea,
  tabId: number,
  clock: Clock = systemClock,
): Promise<void> {
  const prompt = await pendingPrompt(storage, tabId);
  if (!prompt) return;
  const override: Override = { recipients: prompt.recipients, until: clock.now() + OVERRIDE_MS };
  await storage.set({ [overrideKey(tabId)]: override });
  await storage.remove(promptKey(tabId));
}

/** Whether an unused, unexpired answer covers exactly these recipients; using it removes it. */
export async function takeOverride(
  storage: StorageArea,
  tabId: number,
  recipients: string,
  clock: Clock = systemClock,
): Promise<boolean> {
  const override = (await storage.get(overrideKey(tabId)))[overrideKey(tabId)] as Override | undefined;
  if (!override) return false;
  await storage.remove(overrideKey(tabId));
  return override.recipients === recipients && clock.now() <= override.until;
}

/** A compose tab's questions and answers, once its message has gone or the check has passed. */
export async function forgetTab(storage: StorageArea, tabId: number): Promise<void> {
  await storage.remove([promptKey(tabId), overrideKey(tabId)]);
}
