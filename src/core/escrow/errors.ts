/**
 * Why escrow crypto refused. Deliberately coarse: a decryption failure says "this does not open", never which
 * chunk or which check, so a tampering server learns nothing from the portal's behaviour.
 */
import { SendguardError } from '../errors';

export type EscrowCryptoCode =
  'ESCROW_FORMAT_INVALID' | 'ESCROW_DECRYPT_FAILED' | 'ESCROW_LINK_INVALID' | 'ESCROW_INPUT_INVALID';

export class EscrowCryptoError extends SendguardError {
  constructor(code: EscrowCryptoCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
