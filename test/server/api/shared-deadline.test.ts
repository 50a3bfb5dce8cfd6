import { once } from 'node:events';
import { SharedDeadline } from '../../../src/server/api/shared-deadline';
import { ManualClock } from '../../helpers/clock';

describe('SharedDeadline', () => {
  test('calls within a hundredth of the deadline share one signal; a later call gets a new one', () => {
    const clock = new ManualClock();
    const deadline = new SharedDeadline(10_000, clock);
    const first = deadline.signal();
    clock.advance(100); // exactly 1 % of 10 s: still shared
    expect(deadline.signal()).toBe(first);
    clock.advance(1);
    const later = deadline.signal();
    expect(later).not.toBe(first);
    expect(later.aborted).toBe(false);
    expect(deadline.signal()).toBe(later);
  });

  test('once its signal has aborted at the deadline, the next call gets a fresh one even within the window', async () => {
    // The clock stands still, so only the abort can make the next signal a new one.
    const deadline = new SharedDeadline(20, new ManualClock());
    const first = deadline.signal();
    await once(first, 'abort');
    expect((first.reason as Error).name).toBe('TimeoutError');
    const next = deadline.signal();
    expect(next).not.toBe(first);
    expect(next.aborted).toBe(false);
  });

  test('without a clock given, calls in a row share one signal by the system clock', () => {
    const deadline = new SharedDeadline(60_000);
    expect(deadline.signal()).toBe(deadline.signal());
  });
});
