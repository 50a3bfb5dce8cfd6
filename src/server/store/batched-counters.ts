/**
 * Rate counters counted in this process first and added to the shared counters in batches, for limits of hundreds
 * of hits a minute (the API's per client network and per caller), where one database statement per request would
 * cost more than the request. Limits of a handful an hour (secure pickup's) stay on the shared counters, exact.
 *
 * A key's first hit in a window goes to the shared counters at once and waits for their count. Later hits are
 * counted here and decided with the shared count last heard plus the hits not yet sent; they are sent, as one
 * statement per key that also brings the shared count back, every `flushEveryMs` (250 ms), and at once (the hit
 * waiting for it) when they reach a twentieth of the limit. One process alone counts exactly. Several nodes count
 * approximately: each decides without the others' hits since its last send, so a burst spread over N nodes can
 * pass the limit by up to `limitSlack(max, N)` hits, 2 × N × a twentieth of the limit (a tenth per node; more
 * only by requests a node has in flight at the same instant), before every node refuses.
 */
import type { Clock } from '../../core/clock';
import { runPeriodically, type Schedule } from '../schedule';
import { BoundedCache } from './bounded-cache';
import type { RateCounters } from './store';

/** The share of a limit that a node counts alone before it sends its hits, whatever the time. */
const SHARE_OF_LIMIT = 1 / 20;

/** Hits a node counts alone before it sends them, under a limit of `max`. */
function unsentAtMost(max: number): number {
  return Math.max(1, Math.floor(max * SHARE_OF_LIMIT));
}

/** How many hits over `max` a burst spread over `nodes` nodes can be let through at most (see above). */
export function limitSlack(max: number, nodes: number): number {
  return 2 * nodes * unsentAtMost(max);
}

interface LocalWindow {
  windowMs: number;
  /** The shared count, as of this node's last send. */
  shared: number;
  resetAt: number;
  /** Hits counted here and not yet sent. */
  unsent: number;
  /** Hits in the send under way. */
  sending: number;
  sent?: Promise<void>;
}

export interface BatchedRateCounters {
  /** Counts one hit of `key` under a limit of `max`; the count to decide with, and when the window ends. */
  hit(key: string, windowMs: number, now: number, max: number): Promise<{ count: number; resetAt: number }>;
  /** Stops sending on the timer, after sending what is counted (a failure goes to `onError`). */
  close(): Promise<void>;
}

export interface BatchingOptions {
  clock: Clock;
  schedule: Schedule;
  /** Where a failed timed send goes (its hits stay counted here, for the next one). */
  onError: (error: unknown) => void;
  flushEveryMs?: number;
  /** Keys held at most; the least recently used leaves first (a client rotating keys only forgets its own). */
  capacity?: number;
}

export function batchedRateCounters(shared: RateCounters, options: BatchingOptions): BatchedRateCounters {
  const windows = new BoundedCache<string, LocalWindow>({ maxEntries: options.capacity ?? 100_000 });
  const waiting = new Set<string>();

  /** Adds the window's unsent hits to the shared count (after a send under way), and hears the count back. */
  const send = async (key: string, window: LocalWindow, now: number): Promise<void> => {
    while (window.sent) await window.sent.catch(() => undefined);
    const hits = window.unsent;
    if (hits === 0 || windows.get(key) !== window) return;
    window.unsent = 0;
    window.sending = hits;
    window.sent = shared.hit(key, window.windowMs, now, hits).then(
      ({ count, resetAt }) => {
        window.shared = count;
        window.resetAt = resetAt;
        window.sending = 0;
        window.sent = undefined;
      },
      (error: unknown) => {
        // Kept for the next send, on the timer if no hit comes first.
        window.unsent += hits;
        window.sending = 0;
        window.sent = undefined;
        waiting.add(key);
        throw error;
      },
    );
    await window.sent;
  };

  const sendWaiting = async () => {
    const now = options.clock.now();
    const keys = [...waiting];
    waiting.clear();
    const sends = keys.map((key) => {
      const window = windows.get(key);
      // Hits of a window that has ended count for nothing now.
      return window && window.resetAt > now ? send(key, window, now) : undefined;
    });
    const failed = (await Promise.allSettled(sends)).find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  };

  const stop = runPeriodically(options.schedule, options.flushEveryMs ?? 250, sendWaiting, options.onError);
  return {
    async hit(key, windowMs, now, max) {
      let window = windows.get(key);
      if (!window || window.resetAt <= now) {
        window = { windowMs, shared: 0, resetAt: now + windowMs, unsent: 0, sending: 0 };
        windows.set(key, window);
      }
      window.unsent++;
      const first = window.shared === 0 && window.sending === 0;
      if (first || window.unsent >= unsentAtMost(max)) await send(key, window, now);
      else waiting.add(key);
      return { count: window.shared + window.sending + window.unsent, resetAt: window.resetAt };
    },
    async close() {
      stop();
      await sendWaiting().catch(options.onError);
    },
  };
}
