/**
 * Which identity provider can vouch for a recipient's address (docs/escrow-protocol.md, "Recipient proofs"). The
 * assess call uses it to tell the sender how each recipient can prove who they are, and secure pickup uses it when
 * a message is created (a `sign-in` recipient needs a provider) and again when the recipient signs in (the provider
 * must still be the one named for the address). Only a provider that answers for the address's whole domain
 * counts: one that lets anyone register any address would be vouched for by a mail that crossed the very route
 * an eavesdropper reads.
 */
import type { SignInProvider } from '../../core/escrow/wire';
import type { SignInFlow } from './sign-in/flow';

export interface SignInDirectory {
  /** The provider for this address (a `mailboxKey` form), or undefined; never throws, and gives up with `signal`. */
  providerFor(address: string, options?: { signal?: AbortSignal }): Promise<SignInProvider | undefined>;
  /**
   * What `providerFor` would answer at once from what it holds, without waiting: the provider, null for none, or
   * undefined when only `providerFor` can tell. The assess call asks this first for every recipient.
   */
  known?(address: string): SignInProvider | null | undefined;
  /** How recipients sign in with the providers it names; without it, the sign-in routes are not offered. */
  readonly flow?: SignInFlow;
}

/** Where no provider is configured, built in or discoverable. */
export const NO_SIGN_IN: SignInDirectory = { providerFor: async () => undefined, known: () => null };
