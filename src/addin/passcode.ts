/**
 * The sender's passcode for a secure-pickup message: how strong it must be, and a suggestion easy to read out on
 * the phone. The passcode itself lives only in the pane's component state; nothing here keeps it.
 */

/** Argon2id slows guessing, but a short passcode is still guessed: 8 characters at least. */
const PASSCODE_MIN_LENGTH = 8;
/** More than anyone reads out on the phone; a bound on what the key derivation is given. */
const PASSCODE_MAX_LENGTH = 128;

/** What is wrong with the passcode, in words for the sender; `undefined` when it will do. */
export function passcodeProblem(passcode: string): string | undefined {
  const length = [...passcode].length;
  if (length < PASSCODE_MIN_LENGTH) return `Use at least ${PASSCODE_MIN_LENGTH} characters.`;
  if (length > PASSCODE_MAX_LENGTH) return `Use at most ${PASSCODE_MAX_LENGTH} characters.`;
  if (passcode.trim() !== passcode) return 'Leave no spaces at the start or the end: they are easily lost.';
  return undefined;
}

/** Crockford's base 32: no I, L, O or U, so nothing is mistaken when read out or typed. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUPS = 4;
const GROUP_LENGTH = 4;

/**
 * Sixteen characters in groups of four ("7k2m-q9xd-…"), 80 random bits, from `randomHex` (the pane's WebCrypto
 * source, asked as often as it takes).
 */
export function suggestPasscode(randomHex: () => string): string {
  const symbols: string[] = [];
  let bits = 0;
  let count = 0;
  while (symbols.length < GROUPS * GROUP_LENGTH) {
    const hex = randomHex();
    for (const digit of hex) {
      bits = ((bits << 4) | parseInt(digit, 16)) & 0xff;
      count += 4;
      if (count >= 5) {
        count -= 5;
        symbols.push(ALPHABET[(bits >> count) & 31]!);
      }
    }
    if (hex.length === 0) throw new Error('the random source gave nothing');
  }
  const groups = Array.from({ length: GROUPS }, (_, i) =>
    symbols.slice(i * GROUP_LENGTH, (i + 1) * GROUP_LENGTH).join(''),
  );
  return groups.join('-');
}
