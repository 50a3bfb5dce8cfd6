/**
 * A time as Sendguard writes it for people — the pickup notice, the sender's copy and "Sent securely" list:
 * `2026-12-07 05:20 UTC`, the same on every device and in tests, and never ambiguous between recipient and sender.
 */
export function utcTime(at: Date | string): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
