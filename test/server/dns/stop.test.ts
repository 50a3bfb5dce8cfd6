/** The DNS client's own stop (stop.ts): each watcher told once, in the order they watched; an undone one never. */
import { Stop } from '../../../src/server/dns/stop';

test('a stop tells each of its watchers once, with its reason, and keeps it', () => {
  const stop = new Stop();
  const told: string[] = [];
  stop.watch((reason) => told.push(`first ${String(reason)}`));
  const undo = stop.watch(() => told.push('undone'));
  stop.watch((reason) => told.push(`last ${String(reason)}`));
  undo();
  expect(stop.isStopped).toBe(false);
  expect(stop.reason).toBeUndefined();
  stop.stop('deadline');
  stop.stop('again');
  expect(told).toEqual(['first deadline', 'last deadline']);
  expect(stop.isStopped).toBe(true);
  expect(stop.reason).toBe('deadline');
});

test('a watcher that stops watching while it is told does not keep the others from being told', () => {
  const stop = new Stop();
  const told: number[] = [];
  const undoOwn = stop.watch(() => {
    told.push(1);
    undoOwn();
  });
  stop.watch(() => told.push(2));
  stop.stop(new Error('gone'));
  expect(told).toEqual([1, 2]);
});
