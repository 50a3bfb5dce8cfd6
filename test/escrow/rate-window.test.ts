/**
 * Escrow's per-network and per-recipient limits over the service's rate counters: here the in-memory counters of a
 * one-process store (SQLite's); test/server/serve/nodes.test.ts has them shared by two nodes on PostgreSQL.
 */
import { RateWindow } from '../../src/server/escrow/rate-window';
import { memoryRateCounters } from '../../src/server/store/one-process';

const limit = (max: number, windowMs: number) => ({ prefix: 'test:', max, windowMs });

test('counts up to max per window, then tells how long until the window ends', async () => {
  const window = new RateWindow(memoryRateCounters(), limit(2, 1000));
  const waits = [];
  for (const now of [0, 100, 400, 900]) waits.push(await window.hit('a', now));
  expect(waits).toEqual([0, 0, 600, 100]);
  expect(await window.hit('a', 1000)).toBe(0);
  expect(await window.hit('a', 1001)).toBe(0);
  expect(await window.hit('a', 1002)).toBe(998);
});

test('limiters on the same counters keep apart by their prefixes; limiters with one prefix share windows', async () => {
  const counters = memoryRateCounters();
  const perNetwork = new RateWindow(counters, { prefix: 'ip:', max: 1, windowMs: 1000 });
  const perRecipient = new RateWindow(counters, { prefix: 'code:', max: 1, windowMs: 1000 });
  expect(await perNetwork.hit('k', 0)).toBe(0);
  expect(await perRecipient.hit('k', 0)).toBe(0);
  // Another node's limiter of the same kind counts in the same window.
  const sameOnAnotherNode = new RateWindow(counters, { prefix: 'ip:', max: 1, windowMs: 1000 });
  expect(await sameOnAnotherNode.hit('k', 10)).toBe(990);
});

test('attack: a full table of counters evicts the oldest windows instead of refusing every newcomer', async () => {
  const window = new RateWindow(memoryRateCounters(1000), limit(1, 60_000));
  // One client fills the table with exhausted windows (as 100k addresses once locked everyone out).
  for (let i = 0; i < 1000; i++) await window.hit(`attacker-${i}`, 0);
  expect(await window.hit('newcomer', 1)).toBe(0);
  // The newest windows survive, the oldest went first.
  expect(await window.hit('attacker-999', 2)).toBeGreaterThan(0);
  expect(await window.hit('attacker-0', 2)).toBe(0);
});
