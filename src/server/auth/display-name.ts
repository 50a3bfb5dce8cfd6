/**
 * A person's display name as the service shows it to others — secure pickup names the sender with it to
 * recipients — whether it came from Entra's `name` claim or from the owner an admin named for an API token. Such
 * a name must not pass for an address ("CEO <ceo@bank.test>"), reorder or hide what is around it (U+202E
 * RIGHT-TO-LEFT OVERRIDE, zero-width characters), break a line, or fill a page.
 */

/** Longer than any person's name, short enough for one line of a notice. */
const MAX_DISPLAY_NAME_LENGTH = 128;

/** Characters that would make a name pass for an address. */
const ADDRESS_CHARS = new Set(['@', '<', '>']);

/**
 * Controls (Cc), format characters (Cf: bidi overrides and isolates, zero-width joiners, soft hyphens) and line
 * and paragraph separators. One character class, tested per character: linear on any input.
 */
const HIDDEN_CHAR = /^[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]$/u;

/** Why `name` cannot stand as a display name, or undefined when it can. */
export function displayNameProblem(name: string): string | undefined {
  const chars = [...name.trim()];
  if (chars.length === 0) return 'is empty';
  if (chars.length > MAX_DISPLAY_NAME_LENGTH) return `is longer than ${MAX_DISPLAY_NAME_LENGTH} characters`;
  for (const char of chars) {
    if (ADDRESS_CHARS.has(char)) return `contains "${char}", which would make it look like an address`;
    if (HIDDEN_CHAR.test(char)) {
      const code = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      return `contains the invisible or control character U+${code}`;
    }
  }
  return undefined;
}

/** `name` trimmed when it can stand as a display name; undefined when it cannot or is not text. */
export function displayNameOf(name: unknown): string | undefined {
  if (typeof name !== 'string' || displayNameProblem(name) !== undefined) return undefined;
  return name.trim();
}
