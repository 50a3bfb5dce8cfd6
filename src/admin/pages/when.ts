/** Times the service answers (ISO 8601) as the console shows them: in UTC, to the minute, said to be UTC. */
export function shownTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
