/** The two rules of English every sentence Sendguard writes needs; no dependency, so the send handler has them. */

/** "1 recipient", "3 recipients": for nouns whose plural adds an s. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The text with its first letter upper-case, for the start of a sentence or a label. */
export function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
