/**
 * Applies the plan to the compose item through `MailHost`: the forced-TLS tag, OpenPGP, secure pickup, or a split
 * into one message per group. Each protection ends the same way: the applied-protection record is written to the
 * item's headers and the draft saved, so that the send check finds what the pane did.
 */
import type { PlannedMessage } from '../assessment';
import type { Backend, BackendConnection } from '../backend';
import type { HostRecipients, MailHost, OpenedMessage } from '../host';
import { readParts } from '../read-message';
import type { LoadedMessage } from '../state';
import { APPLIED_HEADER, appliedRecord, formatApplied } from './applied';
import type { EscrowMessage } from './escrow-port';
import { encryptMessage } from './pgp';
import { keepSenderLink, makeOwnCopy } from '../sent/keep-own-link';
import { tagChanges } from './tag';
import { mailboxKey } from '../../core/addresses';
import { bodyImageFiles } from '../../core/data-url-images';
import type { EscrowRecipient } from '../../core/escrow/wire';
import { listed } from '../../core/english';
import { messageOf, SendguardError } from '../../core/errors';
import { passcodeRecipients, type PlanGroup } from '../../core/plan';
import { passcodeProblem } from '../passcode';
import { asSentence } from '../sentence';
import type { ApplicableProtection, MessageAction } from '../../core/vocabulary';
import { RECIPIENT_FIELDS } from '../../core/recipient-fields';
import { problemsBefore } from '../split/check';
import { carriedClassification, type Classifications } from '../split/classification';
import { groupNames } from '../split/group-names';
import { newMessageFor, withoutGroups } from '../split/new-message';
import { readCarried, readOutline, type Outline } from '../split/original';

export interface ApplyDeps extends BackendConnection {
  host: MailHost;
  backend: Backend;
  /** The secure-pickup client; absent where this build has none. */
  escrow?: EscrowMessage;
  /** 128 random bits as hex (the applied record's salt). */
  randomHex: () => string;
}

/** What the pane shows while work runs: a sentence, and how far along when that is known. */
export type ProgressReport = (step: string, fraction?: number) => void;

/** What the sender gave in the pane for this message. */
export interface SenderInput {
  /** The passcode for secure pickup; held by the pane's state only, never stored or logged. */
  passcode?: string;
}

class ApplyError extends SendguardError {
  constructor(
    override readonly code:
      | 'APPLY_NO_KEY'
      | 'APPLY_NO_ESCROW'
      | 'APPLY_NO_PASSCODE'
      | 'APPLY_NO_PROOF'
      | 'APPLY_NO_SPLIT'
      | 'APPLY_SPLIT_STOPPED'
      | 'APPLY_CANNOT'
      | 'APPLY_NOTHING',
    message: string,
  ) {
    super(code, message);
  }
}

async function record(
  protection: ApplicableProtection,
  planned: PlannedMessage,
  deps: ApplyDeps,
  headers: Record<string, string> = {},
): Promise<void> {
  const applied = appliedRecord(protection, planned.plan.classification, planned.addresses, deps.randomHex);
  await deps.host.setHeaders({ ...headers, [APPLIED_HEADER]: formatApplied(applied) });
  await deps.host.save();
}

async function applyTag(planned: PlannedMessage, loaded: LoadedMessage, deps: ApplyDeps): Promise<void> {
  const changes = tagChanges(await deps.host.getSubject(), loaded.policy);
  if (changes.subject !== undefined) await deps.host.setSubject(changes.subject);
  await record('tls', planned, deps, changes.headers);
}

/** Every recipient's key, the sender's own (when it has a usable one) and the compliance key: or an error naming who lacks one. */
async function encryptionKeys(
  planned: PlannedMessage,
  loaded: LoadedMessage,
  deps: ApplyDeps,
): Promise<string[]> {
  const byAddress = new Map(loaded.answer.recipients.map((r) => [mailboxKey(r.address), r.key]));
  const missing: string[] = [];
  const keys = planned.addresses.flatMap((address) => {
    const armored = byAddress.get(mailboxKey(address))?.armoredKey;
    if (!armored) missing.push(address);
    return armored ? [armored] : [];
  });
  if (missing.length > 0) {
    throw new ApplyError(
      'APPLY_NO_KEY',
      `No usable OpenPGP key for ${missing.join(', ')}: choose secure pickup instead.`,
    );
  }
  const compliance = loaded.policy.complianceKey;
  if (compliance && !compliance.armoredKey) {
    throw new ApplyError(
      'APPLY_NO_KEY',
      `The organisation's compliance key ${compliance.fingerprint} is not available, so the message cannot be encrypted as policy requires.`,
    );
  }
  const sender = await deps.host.getSenderAddress();
  const own = sender ? (await deps.backend.assess([sender])).recipients[0]?.key : undefined;
  return [
    ...keys,
    ...(own?.armoredKey ? [own.armoredKey] : []),
    ...(compliance?.armoredKey ? [compliance.armoredKey] : []),
  ];
}

/** What applying OpenPGP did beyond the body and the listed attachments. */
export interface PgpUse {
  /** Pictures the HTML body held in itself (`data:` URLs, Thunderbird's inline images), now encrypted files. */
  bodyImages: number;
}

/**
 * The text body inline and every attachment the host lists as its own `.pgp` file, inline images too: the HTML
 * that showed an image is replaced by the encrypted text, so the image goes as an encrypted file rather than
 * staying on the message in the clear or being lost. Pictures the HTML holds in itself as `data:` URLs, which no
 * host lists (Thunderbird keeps every inline image so), go as files the same way.
 */
async function applyPgp(
  planned: PlannedMessage,
  loaded: LoadedMessage,
  deps: ApplyDeps,
  progress: ProgressReport,
  outline: Outline,
): Promise<PgpUse> {
  const { host } = deps;
  const originals = outline.attachments;
  progress('Collecting keys…');
  const keys = await encryptionKeys(planned, loaded, deps);
  const carried = await readCarried(host, originals, (name) => progress(`Reading ${name}…`));
  const images = bodyImageFiles(outline).map(({ name, bytes }) => ({ name, data: bytes() }));
  progress('Encrypting…', 0);
  const encrypted = await encryptMessage({
    text: outline.text,
    attachments: [...carried, ...images],
    keys,
    onProgress: (done, total) => progress(`Encrypting (${done} of ${total})…`, done / total),
  });
  progress('Replacing the message with its encrypted form…');
  await host.setBody({ format: 'text', content: encrypted.body });
  for (const attachment of originals) await host.removeAttachment(attachment.id);
  for (const file of encrypted.attachments) {
    await host.addAttachment({
      name: file.name,
      contentType: 'application/pgp-encrypted',
      data: file.data.slice().buffer,
    });
  }
  await record('pgp', planned, deps);
  return { bodyImages: images.length };
}

/** Each recipient with the proof the plan chose; an error when one has none (the plan would not pick pickup). */
function escrowRecipients(planned: PlannedMessage): EscrowRecipient[] {
  return planned.plan.recipients.map(({ address, proof }) => {
    if (!proof)
      throw new ApplyError(
        'APPLY_NO_PROOF',
        `Secure pickup has no way for ${address} to prove who they are.`,
      );
    return { address, proof };
  });
}

/** What applying secure pickup used: the proof per recipient it sent, and the passcode when one went with them. */
export interface EscrowUse {
  proofs: EscrowRecipient[];
  passcode?: string;
}

/**
 * What applyPlan did: the action; for OpenPGP the body's pictures it sent as files; for secure pickup what it
 * used; for a split the messages it opened.
 */
export interface Applied {
  action: AppliedAction;
  pgp?: PgpUse;
  escrow?: EscrowUse;
  opened?: OpenedGroup[];
}

/** The passcode when some recipient needs it (and then a sound one), else nothing: the server refuses a spare one. */
function passcodeFor(planned: PlannedMessage, sender: SenderInput): { passcode?: string } {
  const needing = passcodeRecipients(planned.plan);
  if (needing.length === 0) return {};
  const problem = sender.passcode === undefined ? 'Set one first.' : passcodeProblem(sender.passcode);
  if (problem !== undefined || sender.passcode === undefined)
    throw new ApplyError(
      'APPLY_NO_PASSCODE',
      `${needing.join(', ')} can open this message only with a passcode you give them: ${problem}`,
    );
  return { passcode: sender.passcode };
}

/**
 * Uploads the message with every attachment the host lists, inline images too, and leaves only the notice: an
 * image left on the notice would go in the clear. The stored format names no content id, so the portal lists an
 * inline image among the attachments rather than in its place in the HTML.
 */
async function applyEscrow(
  planned: PlannedMessage,
  loaded: LoadedMessage,
  deps: ApplyDeps,
  progress: ProgressReport,
  sender: SenderInput,
  outline: Outline,
): Promise<EscrowUse> {
  const { host, escrow } = deps;
  if (!escrow)
    throw new ApplyError('APPLY_NO_ESCROW', 'Secure pickup is not available in this version of the add-in.');
  const recipients = escrowRecipients(planned);
  const passcode = passcodeFor(planned, sender);
  const { subject, html, text, attachments: originals } = outline;
  const senderAddress = await host.getSenderAddress();
  const carried = await readCarried(host, originals, (name) => progress(`Reading ${name}…`));
  const attachments = carried.map(({ name, contentType, data }) => ({ name, type: contentType, data }));
  progress('Uploading for secure pickup…', 0);
  const result = await escrow({
    backendUrl: deps.backendUrl,
    ...(deps.token ? { token: deps.token } : {}),
    message: { subject, html, text, attachments },
    recipients,
    ...passcode,
    ...(senderAddress ? { sender: { name: '', address: senderAddress } } : {}),
    expiryDays: loaded.policy.escrow.expiryDays,
    onProgress: (done, total) =>
      progress('Uploading for secure pickup…', total > 0 ? done / total : undefined),
  });
  const sent = { ...result, recipients: planned.addresses, sentAt: new Date(), subject };
  const kept = await keepSenderLink(host, sent);
  await host.setBody({ format: 'html', content: result.notice.html });
  for (const attachment of originals) await host.removeAttachment(attachment.id);
  await record('escrow', planned, deps);
  await makeOwnCopy(host, sent, kept);
  return { proofs: recipients, ...passcode };
}

/** A group moved to a new message, and that message as the host opened it. */
export interface OpenedGroup {
  group: PlanGroup;
  message: OpenedMessage;
}

/** Takes the recipients of the groups now in new messages out of this one, so that nobody gets it twice. */
async function removeMoved(host: MailHost, recipients: HostRecipients, moved: readonly PlanGroup[]) {
  const staying = withoutGroups(recipients, moved);
  for (const field of RECIPIENT_FIELDS) await host.setRecipients(field, staying[field]);
}

/**
 * Moves every group but the first to a new message the host opens, carrying the whole original and the
 * classification the plan used where it is above the default; this message keeps the first group. A message that opened without everything
 * (`missing`) still holds its group, so the group leaves this message like any other opened one. Where opening
 * throws half-way, the groups already opened leave this message and the others stay in it, and the error says
 * which is which.
 */
async function applySplit(
  planned: PlannedMessage,
  outline: Outline,
  policy: Classifications,
  deps: ApplyDeps,
  progress: ProgressReport,
): Promise<OpenedGroup[]> {
  const { host } = deps;
  const { newMessages } = host;
  const move = (planned.plan.groups ?? []).slice(1);
  // problemsBefore refused a split without new messages; checked again for the compiler.
  if (!newMessages || move.length === 0) throw new ApplyError('APPLY_NO_SPLIT', planned.plan.summary);
  const attachments = await readCarried(host, outline.attachments, (name) => progress(`Reading ${name}…`));
  // Whatever raised it (the sender, a label, a detector): without it the new message could plan lower.
  const classification = carriedClassification(planned.plan, policy);
  const opened: OpenedGroup[] = [];
  for (const [index, group] of move.entries()) {
    progress(`Opening the message for ${listed(group.addresses)}…`, index / move.length);
    try {
      const message = await newMessages.open(newMessageFor(group, outline, attachments, classification));
      opened.push({ group, message });
    } catch (error) {
      const left = move.slice(index);
      const done = opened.map((o) => o.group);
      const reason = `Sendguard could not open the message for ${groupNames(left)}: ${asSentence(messageOf(error))} They stay in this message.`;
      if (done.length === 0) throw new ApplyError('APPLY_SPLIT_STOPPED', `${reason} Nothing was split.`);
      await removeMoved(host, outline.recipients, done).catch((failure: unknown) => {
        throw new ApplyError(
          'APPLY_SPLIT_STOPPED',
          `${reason} The message for ${groupNames(done)} is open, but they could not be taken out of this one (${messageOf(failure)}): remove them by hand before sending.`,
        );
      });
      throw new ApplyError(
        'APPLY_SPLIT_STOPPED',
        `${reason} The message for ${groupNames(done)} is open and they were taken out of this one. Apply again to split off the rest.${missingIn(opened)}`,
      );
    }
  }
  await removeMoved(host, outline.recipients, move).catch((failure: unknown) => {
    throw new ApplyError(
      'APPLY_SPLIT_STOPPED',
      `The messages for ${groupNames(move)} are open, but they could not be taken out of this one (${messageOf(failure)}): remove them by hand before sending.${missingIn(opened)}`,
    );
  });
  return opened;
}

/** What the opened messages lack, each host's own sentence, after a space; nothing when they lack nothing. */
export const missingIn = (opened: readonly OpenedGroup[]) =>
  opened.flatMap(({ message }) => (message.missing !== undefined ? [` ${message.missing}`] : [])).join('');

/** The actions that change a message; `send` and `block` have nothing to apply. */
export type AppliedAction = Exclude<MessageAction, 'send' | 'block'>;

/** Applies the plan's action to the message and says what it did; throws ApplyError when there is none to apply. */
export async function applyPlan(
  planned: PlannedMessage,
  loaded: LoadedMessage,
  deps: ApplyDeps,
  progress: ProgressReport = () => undefined,
  sender: SenderInput = {},
): Promise<Applied> {
  const action = planned.plan.action;
  if (action === 'send' || action === 'block') throw new ApplyError('APPLY_NOTHING', planned.plan.summary);
  progress('Reading the message…');
  // Read afresh, not taken from `loaded`: the pane's load may be older than the click (the sender may have edited
  // recipients, subject or body since, and the pane writes a classification chosen later to the message), and these
  // checks and the split must be about the message as it is now.
  const outline = await readOutline(deps.host, await readParts(deps.host));
  const problems = problemsBefore(planned.plan, outline, loaded.policy, deps.host.newMessages);
  if (problems.length > 0) throw new ApplyError('APPLY_CANNOT', problems.join(' '));
  switch (action) {
    case 'tag':
      await applyTag(planned, loaded, deps);
      return { action };
    case 'pgp':
      return { action, pgp: await applyPgp(planned, loaded, deps, progress, outline) };
    case 'escrow':
      return {
        action,
        escrow: await applyEscrow(planned, loaded, deps, progress, sender, outline),
      };
    case 'split':
      return { action, opened: await applySplit(planned, outline, loaded.policy, deps, progress) };
  }
}
