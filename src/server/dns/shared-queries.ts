/**
 * One exchange for a question asked again while it is still in flight: several domains checked at once often
 * share MX hosts, whose addresses and TLSA records would otherwise be asked once per domain. Nothing is kept after
 * the answer: caching is the resolver's business, and its TTLs are not ours to honour.
 *
 * Each caller still waits under its own signal and gets its own abort; the shared exchange stops only when every
 * caller waiting for it has given up, and a caller arriving after that starts a fresh one.
 *
 * Callers that shared an exchange get the very same answer object, or the very same error: the answer must be
 * frozen by whoever starts the exchange (the DNS client does), and an error must not be changed by its catcher.
 */
import { Stop } from './stop';

interface Flight {
  result: Promise<unknown>;
  stop: Stop;
  waiting: number;
}

export class SharedQueries {
  private readonly flights = new Map<string, Flight>();

  /** `start`'s answer for `key`, shared with whoever asks for the same key before it settles. */
  run<T>(key: string, signal: AbortSignal | undefined, start: (stop: Stop) => Promise<T>): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const flight = this.flights.get(key) ?? this.takeOff(key, start);
    flight.waiting++;
    return new Promise<T>((resolve, reject) => {
      let left = false;
      const leave = (settle: () => void) => {
        if (left) return;
        left = true;
        signal?.removeEventListener('abort', onAbort);
        flight.waiting--;
        settle();
      };
      const onAbort = () =>
        leave(() => {
          if (flight.waiting === 0) this.abandon(key, flight, signal?.reason);
          reject(signal?.reason);
        });
      signal?.addEventListener('abort', onAbort, { once: true });
      (flight.result as Promise<T>).then(
        (answer) => leave(() => resolve(answer)),
        (error: unknown) => leave(() => reject(error)),
      );
    });
  }

  private takeOff<T>(key: string, start: (stop: Stop) => Promise<T>): Flight {
    const stop = new Stop();
    const flight: Flight = { result: start(stop), stop, waiting: 0 };
    this.flights.set(key, flight);
    const landed = () => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    flight.result.then(landed, landed);
    return flight;
  }

  /** Nobody waits any more: its sockets close now, and the next caller asks afresh. */
  private abandon(key: string, flight: Flight, reason: unknown): void {
    if (this.flights.get(key) === flight) this.flights.delete(key);
    flight.stop.stop(reason);
  }
}
