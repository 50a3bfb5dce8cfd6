/**
 * The expiry a sender picks in "Sent securely": a day from the date field, at the current expiry's time of day. The
 * service allows at most a fixed number of days after the message was created, to the minute; keeping the time of
 * day (rather than the end of the day) keeps the last allowed day choosable.
 */
export function expiryOn(day: string, currentExpiry: string): Date | undefined {
  const timeOfDay = new Date(currentExpiry).toISOString().slice(10);
  const at = new Date(`${day}${timeOfDay}`);
  return /^\d{4}-\d\d-\d\d$/.test(day) && !Number.isNaN(at.getTime()) ? at : undefined;
}
