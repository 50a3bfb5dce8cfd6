/**
 * How a sender is named to recipients, the same in the notice, the code mail and the portal: "Name <address>",
 * whichever of the two is known, or a plain fallback when the add-in could not tell (never an empty name).
 */
export function senderLabel(name: string, address: string): string {
  if (name && address) return `${name} <${address}>`;
  return name || address || 'A sender using Sendguard';
}
