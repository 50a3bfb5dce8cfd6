/** Where a problem's line and column (1-based, as the policy check reports them) fall in the editor's text. */

/** The offset of `line`:`column` in `text`, clamped to the text (a column past its line's end goes to that end). */
export function offsetOf(text: string, line: number, column: number): number {
  let start = 0;
  for (let current = 1; current < line; current++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return text.length;
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  const lineEnd = end < 0 ? text.length : end;
  return Math.min(start + Math.max(column - 1, 0), lineEnd);
}
