/**
 * Masking for findings. A finding must let the sender recognise which number it is without repeating it, so the
 * pane (and anything it logs) never holds the full value.
 */

const ALPHANUMERIC = /[0-9A-Za-z]/;

/** At most four characters, and never more than half of the value: a six-digit account shows three. */
function revealedLength(length: number): number {
  return Math.min(4, Math.floor(length / 2));
}

function alphanumerics(value: string): string {
  return value.replace(/[^0-9A-Za-z]/g, '');
}

/** The last few letters and digits of the value, as many as may be revealed: "4242" for a card. */
export function ending(value: string): string {
  const compact = alphanumerics(value);
  return compact.slice(compact.length - revealedLength(compact.length));
}

/**
 * The value with its separators kept and every letter and digit starred except the last `reveal`
 * ("***-**-6789"): the shape tells the sender what kind of number it was.
 */
export function maskShape(value: string, reveal = revealedLength(alphanumerics(value).length)): string {
  let hidden = alphanumerics(value).length - reveal;
  let masked = '';
  for (const char of value) {
    const starred = hidden > 0 && ALPHANUMERIC.test(char);
    if (ALPHANUMERIC.test(char)) hidden -= 1;
    masked += starred ? '*' : char;
  }
  return masked;
}
