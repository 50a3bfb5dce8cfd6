/**
 * At most so many queries in flight to one server; the rest wait their turn, in order. A batch of domains asks
 * hundreds of questions at once, and a resolver reads them from one socket: past a couple of hundred its receive
 * buffer overflows (Linux's default holds about that many small datagrams) and the kernel drops the rest, each then
 * waiting for its resend. Kept below that, the burst goes through whole and no slower: a resolver answers from its
 * cache in microseconds.
 */
import type { Stop } from './stop';

export class InFlightLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {}

  /** Runs `work` once a place is free; a `stop` while it waits rejects with its reason. */
  async run<T>(work: () => Promise<T>, stop?: Stop): Promise<T> {
    if (this.running >= this.max) await this.turn(stop);
    else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Waits until a finishing query hands over its place (which then stays taken). */
  private turn(stop?: Stop): Promise<void> {
    if (stop?.isStopped) return Promise.reject(stop.reason);
    return new Promise<void>((resolve, reject) => {
      const unwatch = stop?.watch((reason) => {
        const at = this.waiting.indexOf(go);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(reason);
      });
      const go = () => {
        unwatch?.();
        resolve();
      };
      this.waiting.push(go);
    });
  }
}
