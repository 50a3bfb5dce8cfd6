/** Recognises an inline OpenPGP message: what the send check looks for before trusting an applied `pgp` record. */
const BEGIN = '-----BEGIN PGP MESSAGE-----';
const END = '-----END PGP MESSAGE-----';

/** True when the text is one armored PGP message and nothing readable besides whitespace. */
export function isPgpArmored(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.startsWith(BEGIN) && trimmed.endsWith(END);
}
