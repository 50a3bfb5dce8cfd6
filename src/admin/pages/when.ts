/**
 * Times the service answers (ISO 8601) as the console shows them: core's UTC form, as the pane and the pickup
 * notice write them. An answer that is not a time is shown as it came rather than failing the whole page.
 */
import { utcTime } from '../../core/utc-time';

export function shownTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : utcTime(date);
}
