/** The in-memory limiter behind escrow's per-network and per-recipient counts, held in the shared BoundedCache. */
import { RateWindow } from '../../src/server/escrow/rate-window';

test('counts up to max per window, then tells how long until the window ends; a refusal counts nothing', () => {
  const window = new RateWindow(2, 1000);
  expect([window.hit('a', 0), window.hit('a', 100), window.hit('a', 400), window.hit('a', 900)]).toEqual([
    0, 0, 600, 100,
  ]);
  expect(window.hit('a', 1000)).toBe(0);
  expect(window.hit('a', 1001)).toBe(0);
  expect(window.hit('a', 1002)).toBe(998);
});

test('attack: a full table evicts the oldest windows instead of refusing every newcomer', () => {
  const window = new RateWindow(1, 60_000, 1000);
  // One client fills the table with exhausted windows (as 100k addresses once locked everyone out).
  for (let i = 0; i < 1000; i++) window.hit(`attacker-${i}`, 0);
  expect(window.size).toBe(1000);
  expect(window.hit('newcomer', 1)).toBe(0);
  expect(window.size).toBe(1000);
  // The newest windows survive, the oldest went first.
  expect(window.hit('attacker-999', 2)).toBeGreaterThan(0);
  expect(window.hit('attacker-0', 2)).toBe(0);
});

test('the least recently counted window leaves first, and a restarted window counts as new', () => {
  const window = new RateWindow(1, 1000, 3);
  window.hit('old', 0);
  window.hit('b', 500);
  window.hit('c', 600);
  expect(window.hit('d', 1200)).toBe(0); // 'old', counted longest ago, makes room
  expect(window.hit('b', 1300)).toBeGreaterThan(0);
  expect(window.hit('c', 1300)).toBeGreaterThan(0);
  expect(window.hit('d', 1300)).toBeGreaterThan(0);
});
