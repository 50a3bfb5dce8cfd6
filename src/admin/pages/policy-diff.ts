/**
 * The edited policy against the running one, line by line (jsdiff's line diff), as rows to show: each added or
 * removed line, with up to CONTEXT_LINES unchanged lines around each change and the rest of an unchanged stretch
 * folded into one row that says how many lines it holds.
 */
import { diffLines } from 'diff';

export const CONTEXT_LINES = 3;

export type DiffRow =
  { kind: 'added' | 'removed' | 'same'; text: string; line: number } | { kind: 'folded'; lines: number };

export interface PolicyDiff {
  rows: DiffRow[];
  added: number;
  removed: number;
}

/** A part's lines without the newline that ends its last line. */
function linesOf(value: string): string[] {
  const lines = value.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** An unchanged stretch: whole when short, otherwise its edges next to changes with the middle folded. */
function unchanged(lines: string[], firstLine: number, isFirst: boolean, isLast: boolean): DiffRow[] {
  const row = (text: string, i: number): DiffRow => ({ kind: 'same', text, line: firstLine + i });
  const head = isFirst ? 0 : CONTEXT_LINES;
  const tail = isLast ? 0 : CONTEXT_LINES;
  if (lines.length <= head + tail + 1) return lines.map(row);
  const folded = lines.length - head - tail;
  return [
    ...lines.slice(0, head).map(row),
    { kind: 'folded', lines: folded },
    ...lines.slice(lines.length - tail).map((text, i) => row(text, lines.length - tail + i)),
  ];
}

export function policyDiff(running: string, edited: string): PolicyDiff {
  const parts = diffLines(running, edited);
  const rows: DiffRow[] = [];
  let added = 0;
  let removed = 0;
  // Line numbers are the edited text's for added and unchanged lines, the running text's for removed ones.
  let oldLine = 1;
  let newLine = 1;
  parts.forEach((part, index) => {
    const lines = linesOf(part.value);
    if (part.added) {
      rows.push(...lines.map((text, i): DiffRow => ({ kind: 'added', text, line: newLine + i })));
      added += lines.length;
      newLine += lines.length;
    } else if (part.removed) {
      rows.push(...lines.map((text, i): DiffRow => ({ kind: 'removed', text, line: oldLine + i })));
      removed += lines.length;
      oldLine += lines.length;
    } else {
      rows.push(...unchanged(lines, newLine, index === 0, index === parts.length - 1));
      oldLine += lines.length;
      newLine += lines.length;
    }
  });
  return { rows, added, removed };
}
