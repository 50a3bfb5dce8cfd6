/** The two rules of English every sentence Sendguard writes needs; no dependency, so the send handler has them. */

/** "1 recipient", "3 recipients": for nouns whose plural adds an s. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The text with its first letter upper-case, for the start of a sentence or a label. */
export function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** "a", "a and b", "a, b and c": a list in a sentence. */
export function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
