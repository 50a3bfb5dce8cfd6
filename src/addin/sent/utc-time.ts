/** A time as the sender's list and copy show it: `2026-12-07 05:20 UTC`, the same on every device and in tests. */
export function utcTime(at: Date | string): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
