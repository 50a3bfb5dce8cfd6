/**
 * The pickup notice that replaces the body of an escrowed message: who sent it, the link, how to open it, when
 * it expires. Plain and specific, because it is all a recipient sees, and phishing-shaped vagueness ("click
 * here to view your secure message") is what trains people to click anything.
 */
import { senderLabel } from '../../../core/escrow/sender-label';
import { escapeMarkup } from '../../../core/markup';
import { utcTime } from '../../../core/utc-time';
import type { RecipientProof } from '../../../core/vocabulary';

export interface NoticeInput {
  senderName: string;
  senderAddress: string;
  pickupUrl: string;
  expiresAt: Date;
  /** The proofs the message's recipients give: one notice serves them all, so it names each way in. */
  proofs: ReadonlySet<RecipientProof>;
}

/**
 * How a recipient shows the page who they are, in the words of the proofs this message's recipients give. Where
 * some sign in and others get a code, it says that addresses that sign in get no code: a recipient who asks for
 * one instead of signing in would wait for a mail that never comes.
 */
function proveStep(proofs: ReadonlySet<RecipientProof>): string {
  const signIn = 'sign in with the email account this message was sent to';
  const code = 'enter your email address and the one-time code we email you';
  const mailsCodes = proofs.has('code') || proofs.has('passcode');
  if (!proofs.has('sign-in')) return `2. Show that you are a recipient: ${code}.`;
  if (!mailsCodes) return `2. Show that you are a recipient: ${signIn}.`;
  return (
    `2. Show that you are a recipient. If the page offers to sign in with your email provider, ${signIn}: ` +
    `no code is emailed to addresses that sign in. Otherwise, ${code}.`
  );
}

function lines(input: NoticeInput): string[] {
  const who = senderLabel(input.senderName, input.senderAddress);
  return [
    `${who} sent you an encrypted message. It is not in this email: open it in your browser.`,
    `1. Open the link below.`,
    proveStep(input.proofs),
    input.proofs.has('passcode')
      ? `3. If the page asks for a passcode, enter the one ${input.senderName || 'the sender'} gave you separately (it is not in this email). The message opens in your browser.`
      : `3. The message opens in your browser.`,
    `The message can be opened until ${utcTime(input.expiresAt)}. You can reply securely from the same page.`,
    `Do not forward this email: the link only works for the addresses it was sent to.`,
  ];
}

export function pickupNotice(input: NoticeInput): { html: string; text: string } {
  const [intro, ...steps] = lines(input);
  const text = [intro, '', input.pickupUrl, '', ...steps].join('\n');
  const html = [
    '<div style="font-family: Segoe UI, Arial, sans-serif; font-size: 14px; line-height: 1.5">',
    `<p>${escapeMarkup(intro!)}</p>`,
    `<p><a href="${escapeMarkup(input.pickupUrl)}">Open the encrypted message</a></p>`,
    ...steps.map((line) => `<p>${escapeMarkup(line)}</p>`),
    `<p style="color: #605e5c; font-size: 12px">If the button does not work, copy this address into your browser: ${escapeMarkup(input.pickupUrl)}</p>`,
    '</div>',
  ].join('\n');
  return { html, text };
}
