/**
 * The sender's passcode for a secure-pickup message: how strong it must be, and a suggestion easy to read out on
 * the phone. The passcode itself lives only in the pane's component state; nothing here keeps it.
 *
 * Why a strength estimate and not a length rule: whoever reads the recipient's mail route gets the link and the
 * wrapped key, and can then try passcodes offline, one Argon2id each, as fast as their hardware allows. "12345678",
 * "password" or "Summer2025" are among the first they try. The estimate below is deliberately simple and linear
 * (one pass, no dictionary beyond a short list): each character is worth log2 of the alphabet its classes span,
 * except characters that continue a run (repeats, "abcd", "4321", keyboard rows) or spell one of the most common
 * password words, which are worth almost nothing. A full estimator (zxcvbn) would judge better but carries
 * ~800 KB of dictionaries into the pane.
 */

/** About 2^50 guesses at one Argon2id each: years for a well-equipped attacker, and 11 random letters or so. */
export const PASSCODE_MIN_BITS = 50;
/** More than anyone reads out on the phone; a bound on what the key derivation is given. */
const PASSCODE_MAX_LENGTH = 128;

/** Alphabet sizes per character class; anything beyond ASCII counts as one class of about a hundred. */
const CLASSES: readonly { test: (c: string) => boolean; size: number }[] = [
  { test: (c) => c >= 'a' && c <= 'z', size: 26 },
  { test: (c) => c >= 'A' && c <= 'Z', size: 26 },
  { test: (c) => c >= '0' && c <= '9', size: 10 },
  { test: (c) => c >= ' ' && c <= '~', size: 33 },
  { test: () => true, size: 100 },
];

/** Keyboard rows and the digit row: a character next to the previous one on a row continues a run. */
const ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'qwertzuiop', 'azertyuiop', 'yxcvbnm'];

/**
 * The words people build passwords from most, lower case, each worth one pick from a list of about a thousand
 * (10 bits) however long it is.
 */
const COMMON_WORDS = [
  'password',
  'passwort',
  'passw0rd',
  'letmein',
  'welcome',
  'admin',
  'login',
  'iloveyou',
  'monkey',
  'dragon',
  'football',
  'baseball',
  'soccer',
  'sunshine',
  'princess',
  'master',
  'shadow',
  'secret',
  'summer',
  'winter',
  'spring',
  'autumn',
  'hello',
  'freedom',
  'whatever',
  'trustno1',
  'starwars',
  'superman',
  'batman',
  'michael',
  'jennifer',
  'charlie',
  'thomas',
  'jordan',
  'hunter',
  'ranger',
  'buster',
  'killer',
  'pepper',
  'cheese',
  'computer',
  'internet',
  'security',
  'sendguard',
  'january',
  'february',
  'august',
  'october',
  'november',
  'december',
  'love',
  'test',
  'pass',
  'secure',
  'mypass',
  'changeme',
  'default',
  'guest',
  'access',
];
const WORD_BITS = 10;
/** A capital somewhere in a common word: one of a few places. */
const CAPITAL_BITS = 2;
/** A year 1900–2099: about two hundred choices. */
const YEAR_BITS = 8;
/** A character that continues a run still says which way the run goes and where it stops. */
const RUN_BITS = 1;

/** For matching common words only: the digits and signs people put in place of letters ("p@ssw0rd"). */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  '@': 'a',
  '4': 'a',
  '3': 'e',
  '1': 'i',
  '!': 'i',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
};

const isUpper = (c: string) => c >= 'A' && c <= 'Z';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** How many symbols the passcode's character classes span together. */
function alphabetSize(chars: readonly string[]): number {
  const used = new Set(chars.map((c) => CLASSES.findIndex((cls) => cls.test(c))));
  return [...used].reduce((size, index) => size + CLASSES[index]!.size, 0);
}

/** Whether `c` after `previous` is the same character, the next or previous one, or its neighbour on a row. */
function continuesRun(previous: string, c: string): boolean {
  if (previous === c || Math.abs(previous.codePointAt(0)! - c.codePointAt(0)!) === 1) return true;
  return ROWS.some((row) => {
    const at = row.indexOf(previous);
    return at >= 0 && (row[at + 1] === c || (at > 0 && row[at - 1] === c));
  });
}

/** The length of the longest common word spelt at `start` (look-alikes read as letters), or 0. */
function commonWordAt(plain: readonly string[], start: number): number {
  let longest = 0;
  for (const word of COMMON_WORDS) {
    if (word.length <= longest || start + word.length > plain.length) continue;
    if ([...word].every((letter, i) => plain[start + i] === letter)) longest = word.length;
  }
  return longest;
}

const isYearAt = (chars: readonly string[], start: number) =>
  ['19', '20'].includes(`${chars[start]}${chars[start + 1]}`) &&
  isDigit(chars[start + 2]) &&
  isDigit(chars[start + 3]);

/**
 * The passcode's estimated strength in bits: one pass over its characters (and the short word list at each), so
 * its cost grows with the length only.
 */
export function passcodeBits(passcode: string): number {
  const chars = [...passcode];
  const perCharacter = chars.length > 0 ? Math.log2(alphabetSize(chars)) : 0;
  const lower = chars.map((c) => c.toLowerCase());
  const plain = lower.map((c) => LOOK_ALIKES[c] ?? c);
  let bits = 0;
  for (let i = 0; i < chars.length;) {
    const word = commonWordAt(plain, i);
    if (word > 0) {
      bits += WORD_BITS + (chars.slice(i, i + word).some(isUpper) ? CAPITAL_BITS : 0);
      i += word;
    } else if (isYearAt(chars, i)) {
      bits += YEAR_BITS;
      i += 4;
    } else {
      const previous = lower[i - 1];
      bits += previous !== undefined && continuesRun(previous, lower[i]!) ? RUN_BITS : perCharacter;
      i += 1;
    }
  }
  return bits;
}

/** What is wrong with the passcode, in words for the sender; `undefined` when it will do. */
export function passcodeProblem(passcode: string): string | undefined {
  if ([...passcode].length > PASSCODE_MAX_LENGTH) return `Use at most ${PASSCODE_MAX_LENGTH} characters.`;
  if (passcode.trim() !== passcode) return 'Leave no spaces at the start or the end: they are easily lost.';
  const bits = passcodeBits(passcode);
  if (bits < PASSCODE_MIN_BITS)
    return (
      `Too easy to guess (about ${Math.floor(bits)} bits of the ${PASSCODE_MIN_BITS} needed). Someone who reads ` +
      'this message on its way can try passcodes on their own computers as often as they like, and common words, ' +
      'years and runs like 1234 or qwerty come first. Make it longer and less predictable, or use “Suggest one” ' +
      '(80 bits, easy to read out).'
    );
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
