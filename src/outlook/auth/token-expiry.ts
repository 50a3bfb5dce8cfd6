/**
 * When an access token expires, read from its JWT payload's `exp` without verifying anything: the service checks
 * the token; the add-in only needs to know how long to keep it before asking the host for a new one.
 */
import { fromBase64Url } from '../../core/escrow/bytes';

/** Entra's payloads are a few kilobytes; a longer one is not a token worth keeping. */
const MAX_PAYLOAD = 16_384;

/** Epoch ms, or undefined when the token is no JWT with a numeric `exp`. */
export function tokenExpiry(token: string): number | undefined {
  const parts = token.split('.', 4);
  const payload = parts[1];
  if (parts.length !== 3 || payload === undefined || payload.length > MAX_PAYLOAD) return undefined;
  try {
    // The bytes as Latin-1, which keeps every ASCII digit of `exp` as it is.
    const bytes = fromBase64Url(payload);
    let text = '';
    for (const byte of bytes) text += String.fromCharCode(byte);
    const { exp } = JSON.parse(text) as { exp?: unknown };
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
