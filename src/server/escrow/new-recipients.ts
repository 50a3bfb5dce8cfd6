/**
 * A new message's recipients as the server keeps them (docs/escrow-protocol.md, "Recipient proofs"): each address
 * in its one stored form with the proof the sender chose, and the identity provider it can sign in with. A
 * `sign-in` recipient needs one; others keep theirs too, since a sign-in is a stronger proof than a mailed code.
 */
import type { CreateEscrowRequest } from '../../core/escrow/wire';
import { requireMailboxKey, type EscrowContext } from './context';
import { EscrowError } from './errors';
import type { NewRecipient } from './store';

/** How long creating a message waits for the sign-in directory (discovery may ask the recipient's domain). */
const PROVIDER_LOOKUP_MS = 10_000;

/** One entry per address; the same address twice with different proofs is the sender's mistake to correct. */
function distinctRecipients(
  requested: CreateEscrowRequest['recipients'],
): Map<string, NewRecipient['proof']> {
  const proofs = new Map<string, NewRecipient['proof']>();
  for (const { address, proof } of requested) {
    const key = requireMailboxKey(address);
    const earlier = proofs.get(key);
    if (earlier && earlier !== proof)
      throw new EscrowError('ESCROW_INVALID', `${key} is listed twice, with proofs ${earlier} and ${proof}`);
    proofs.set(key, proof);
  }
  return proofs;
}

export async function newRecipients(ctx: EscrowContext, body: CreateEscrowRequest): Promise<NewRecipient[]> {
  const proofs = distinctRecipients(body.recipients);
  const wantsPasscode = [...proofs.values()].includes('passcode');
  if (wantsPasscode !== Boolean(body.passcode))
    throw new EscrowError(
      'ESCROW_INVALID',
      wantsPasscode
        ? 'a recipient is to prove themselves with a passcode, but the message has none'
        : 'the message has a passcode, but no recipient is to prove themselves with one',
    );
  const signal = AbortSignal.timeout(PROVIDER_LOOKUP_MS);
  const recipients = await Promise.all(
    [...proofs].map(async ([address, proof]) => ({
      address,
      proof,
      signIn: (await ctx.signIn.providerFor(address, { signal })) ?? null,
    })),
  );
  const unprovable = recipients.find((r) => r.proof === 'sign-in' && !r.signIn);
  if (unprovable)
    throw new EscrowError(
      'ESCROW_INVALID',
      `${unprovable.address} cannot sign in: no identity provider is known for their address; choose another proof`,
    );
  return recipients;
}
