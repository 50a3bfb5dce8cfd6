/**
 * The pickup notice that replaces the body of an escrowed message: who sent it, the link, how to open it, when
 * it expires. Plain and specific, because it is all a recipient sees, and phishing-shaped vagueness ("click
 * here to view your secure message") is what trains people to click anything.
 */
import { senderLabel } from '../../../core/escrow/sender-label';
import { escapeMarkup } from '../../../core/markup';

export interface NoticeInput {
  senderName: string;
  senderAddress: string;
  pickupUrl: string;
  expiresAt: Date;
  passcode: boolean;
}

function expiryText(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function lines(input: NoticeInput): string[] {
  const who = senderLabel(input.senderName, input.senderAddress);
  return [
    `${who} sent you an encrypted message. It is not in this email: open it in your browser.`,
    `1. Open the link below.`,
    `2. Enter your email address; we send you a one-time code.`,
    input.passcode
      ? `3. Enter the code, then the passcode ${input.senderName || 'the sender'} gave you separately.`
      : `3. Enter the code. The message opens in your browser.`,
    `The message can be opened until ${expiryText(input.expiresAt)}. You can reply securely from the same page.`,
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
