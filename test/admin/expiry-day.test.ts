/**
 * core's expiryOn, the one rule behind moving a secure message's expiry in the console and in the pane's "Sent
 * securely" list: the chosen day at the current expiry's time of day, and nothing for a day that is not a date.
 */
import { expiryOn } from '../../src/core/expiry-day';

const NOW = '2026-12-15T09:30:00.000Z';

test("the chosen day at the current expiry's time of day, in UTC", () => {
  expect(expiryOn('2026-12-20', NOW)?.toISOString()).toBe('2026-12-20T09:30:00.000Z');
  // A current expiry written with an offset keeps its moment's UTC time of day.
  expect(expiryOn('2026-12-20', '2026-12-15T10:30:00+01:00')?.toISOString()).toBe('2026-12-20T09:30:00.000Z');
});

test.each(['', '2026-13-01', '2026-12-32', '20261220', '2026-12-20T00:00', ' 2026-12-20'])(
  '%p is no day: nothing to send',
  (day) => expect(expiryOn(day, NOW)).toBeUndefined(),
);
