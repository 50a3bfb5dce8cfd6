/**
 * A secure message's expiry moved to another day, as the sender's "Sent securely" list and the admin console both
 * offer it: a day from a date field, at the current expiry's time of day (UTC). The service allows at most a
 * fixed number of days after the message was created, to the minute; keeping the time of day (rather than the
 * end of the day) keeps the last allowed day choosable.
 */

/** `day` (YYYY-MM-DD) at `currentExpiry`'s time of day; undefined when `day` is not such a calendar date. */
export function expiryOn(day: string, currentExpiry: string): Date | undefined {
  const timeOfDay = new Date(currentExpiry).toISOString().slice(10);
  const at = new Date(`${day}${timeOfDay}`);
  return /^\d{4}-\d\d-\d\d$/.test(day) && !Number.isNaN(at.getTime()) ? at : undefined;
}
