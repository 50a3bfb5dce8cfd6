/**
 * Inline images in an HTML body, found by the `cid:` URLs (RFC 2392) that show them. Outlook's body refers to
 * an inline image as `cid:<name>@<suffix>` (before Mailbox 1.16 an add-in is not told that content id), and to one
 * an add-in added with `isInline` as `cid:<name>`. The body is read once, left to right: a reference ends at the
 * first character that cannot belong to it inside an attribute or a CSS `url()`, so the scan is linear in the body
 * whatever it holds.
 */

/** One `cid:` reference: where its content id starts and ends in the body, and the id as written. */
export interface CidReference {
  start: number;
  end: number;
  id: string;
}

/**
 * Where a content id ends, by what comes right before `cid:`: inside a quoted value, at its closing quote (a name
 * may hold spaces); inside an unquoted CSS `url(`, at its `)`; elsewhere (an unquoted attribute, or after an
 * entity such as `&quot;` in a style) at white space, a quote, a bracket or `&`.
 */
const SPACE = [' ', '\t', '\n', '\r', '\f'];
const ENDS_AFTER: Record<string, Set<string>> = {
  '"': new Set(['"', '<', '>']),
  "'": new Set(["'", '<', '>']),
  '(': new Set([')', '"', "'", '<', '>', ...SPACE]),
};
const ENDS_OTHERWISE = new Set(['"', "'", '(', ')', '<', '>', '&', ...SPACE]);

/** A letter or digit right before `cid:` means a word such as `acid:`, not a URL scheme. */
const WORD_CHARACTER = /[A-Za-z0-9]/;

export function cidReferences(html: string): CidReference[] {
  const references: CidReference[] = [];
  // A fixed string with no quantifier: each match is found in one pass, never re-tried.
  const scheme = /cid:/gi;
  for (let match = scheme.exec(html); match !== null; match = scheme.exec(html)) {
    const before = match.index > 0 ? html[match.index - 1]! : '';
    if (WORD_CHARACTER.test(before)) continue;
    const ends = ENDS_AFTER[before] ?? ENDS_OTHERWISE;
    const start = match.index + 4;
    let end = start;
    while (end < html.length && !ends.has(html[end]!)) end++;
    if (end > start) references.push({ start, end, id: html.slice(start, end) });
    scheme.lastIndex = end;
  }
  return references;
}

/** `%xx` escapes undone where the id has them (RFC 2392 URLs are escaped); as written when it is not valid. */
function unescaped(id: string): string {
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

/**
 * The content id each of `names` (inline attachments, in the host's order) has in `html`: the ids that are the
 * name itself or the name then `@`, each given to one attachment, in the order the body first shows them.
 * `undefined` for an attachment the body does not show.
 */
export function contentIdsByName(html: string, names: readonly string[]): Array<string | undefined> {
  // Each id once, filed under the name it can stand for: itself, and what comes before its last `@`.
  const byName = new Map<string, string[]>();
  const file = (name: string, id: string) => {
    const ids = byName.get(name);
    if (ids) ids.push(id);
    else byName.set(name, [id]);
  };
  const seen = new Set<string>();
  for (const { id } of cidReferences(html)) {
    if (seen.has(id)) continue;
    seen.add(id);
    const plain = unescaped(id);
    file(plain, id);
    const at = plain.lastIndexOf('@');
    if (at > 0) file(plain.slice(0, at), id);
  }
  const claimed = new Set<string>();
  return names.map((name) => {
    const id = byName.get(name)?.find((candidate) => !claimed.has(candidate));
    if (id !== undefined) claimed.add(id);
    return id;
  });
}

/** The body with every `cid:` reference whose id `renamed` holds pointing at the new id instead. */
export function renameContentIds(html: string, renamed: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  let copied = 0;
  for (const { start, end, id } of cidReferences(html)) {
    const to = renamed.get(id);
    if (to === undefined) continue;
    parts.push(html.slice(copied, start), to);
    copied = end;
  }
  parts.push(html.slice(copied));
  return parts.join('');
}
