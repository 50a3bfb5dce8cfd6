/**
 * Trust on first use: the first valid key seen for an address is pinned, and a different valid key later is
 * `changed` until someone accepts it. The SENDER accepts it, with the evidence shown (`POST
 * /api/v1/keys/:address/accept`, which pins the key only if a fresh lookup still finds exactly the key the sender
 * saw); an admin may also pin a key outright (`PUT /api/v1/admin/pins/:address`). Pins live in the store's
 * `PinStore` (src/server/store/store.ts), keyed as `mailboxKey` gives addresses.
 */
import type { Clock } from '../../core/clock';
import type { Pin, PinStore } from '../store/store';
import type { UsableKey } from './validate';

/** `acceptedBy` of a pin no one accepted: the first valid key found for the address. */
export const FIRST_USE = 'first-use';

type PinCheck = 'first-use' | 'matches' | 'changed';

/** How a valid key stands against the pin for its address. */
export function checkPin(pin: Pin | undefined, key: Pick<UsableKey, 'fingerprint'>): PinCheck {
  if (pin === undefined) return 'first-use';
  return pin.fingerprint === key.fingerprint ? 'matches' : 'changed';
}

/**
 * Pins `fingerprint` (upper-case hex) for `address` (a `mailboxKey`), accepted `by` a caller or on first use.
 * Accepting the pinned key again keeps its history (`firstSeen`); a new key starts a new one.
 */
export async function pinKey(
  pins: PinStore,
  pin: { address: string; fingerprint: string; acceptedBy: string },
  clock: Clock,
): Promise<Pin> {
  const previous = await pins.get(pin.address);
  const firstSeen =
    previous?.fingerprint === pin.fingerprint ? previous.firstSeen : new Date(clock.now()).toISOString();
  const stored = { ...pin, firstSeen };
  await pins.put(stored);
  return stored;
}
