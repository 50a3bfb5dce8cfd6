/**
 * Names no one else has, ignoring case (as the file systems recipients save attachments to do): a name taken is
 * numbered before its extension, counting on from the last number that name was given, so that many files of one
 * name cost no more than as many names. How a number is written is the caller's: ` (2)` for a file, `-2` where the
 * name must stay within a content id's characters.
 */

/** The name `stem` + `extension` (with its dot, or empty) with `number` in it. */
export type Numbered = (stem: string, number: number, extension: string) => string;

const inParentheses: Numbered = (stem, number, extension) => `${stem} (${number})${extension}`;

/** A namer that hands out each name it is asked for, or a numbered one where it is among `taken` or given out. */
export function uniqueNames(
  taken: readonly string[] = [],
  numbered: Numbered = inParentheses,
): (name: string) => string {
  const used = new Set(taken.map((name) => name.toLowerCase()));
  const nextNumber = new Map<string, number>();
  return (name) => {
    const key = name.toLowerCase();
    if (!used.has(key)) {
      used.add(key);
      return name;
    }
    const dot = name.lastIndexOf('.');
    const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let number = nextNumber.get(key) ?? 2; ; number++) {
      const candidate = numbered(stem, number, extension);
      if (!used.has(candidate.toLowerCase())) {
        nextNumber.set(key, number + 1);
        used.add(candidate.toLowerCase());
        return candidate;
      }
    }
  };
}
