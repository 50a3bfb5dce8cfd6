/** A signed statement as an answer carries it (core/signed/statement.ts), read with its length caps; not verified. */
import { SIGNED_LIMITS, type SignedStatement } from '../signed/statement';
import type { Place } from './fields';

export function readSigned(value: unknown, at: Place, payloadMax: number): SignedStatement {
  const fields = at.object(value, 'the signed statement');
  return {
    payload: at.string(fields.payload, 'the signed statement', 1, payloadMax),
    signature: at.string(fields.signature, 'the signature', 1, SIGNED_LIMITS.signatureMax),
  };
}
