/**
 * Trust on first use: the first valid key seen for an address is remembered, and a different valid key later is
 * `changed` until the sender or an admin accepts it. The store is narrow so that the SQLite one can implement it.
 */
import type { UsableKey } from './validate';

export interface Pin {
  /** Upper-case hex. */
  fingerprint: string;
  /** Who pinned it: `first-use`, or the sender or admin who accepted or pinned it. */
  by: string;
}

/** Addresses are keyed as `mailboxKey` gives them. */
export interface PinStore {
  get(address: string): Promise<Pin | undefined>;
  set(address: string, fingerprint: string, by: string): Promise<void>;
}

export class MemoryPinStore implements PinStore {
  private readonly pins = new Map<string, Pin>();

  async get(address: string): Promise<Pin | undefined> {
    return this.pins.get(address);
  }

  async set(address: string, fingerprint: string, by: string): Promise<void> {
    this.pins.set(address, { fingerprint: fingerprint.toUpperCase(), by });
  }
}

export const FIRST_USE = 'first-use';

export type PinCheck = 'first-use' | 'matches' | 'changed';

/** How a valid key stands against the pin for its address. */
export function checkPin(pin: Pin | undefined, key: Pick<UsableKey, 'fingerprint'>): PinCheck {
  if (pin === undefined) return 'first-use';
  return pin.fingerprint === key.fingerprint ? 'matches' : 'changed';
}
