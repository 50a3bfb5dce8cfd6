/** 128 random bits as hex, from WebCrypto: the salt of the applied-protection record. */
export function randomHex(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}
