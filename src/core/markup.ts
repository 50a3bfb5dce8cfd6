/**
 * Markup and the text in it, both ways: escaping text placed in HTML or XML, and reading the text of an HTML
 * body for a plain-text one. Strings only, no DOM: it runs in the Thunderbird background, the Outlook try-it
 * page's stand-in for Office and in Node tests alike.
 */

/**
 * Text placed in HTML or XML (element content or a double-quoted attribute), with the characters that would end
 * it escaped.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ENTITIES[char]!);
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/** An entity's character; one that is unknown, or names a control character, stays as written. */
function entityText(whole: string, name: string): string {
  if (name[0] !== '#') return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
  return (code >= 0x20 || code === 9 || code === 10) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
}

/**
 * Text from HTML, for a plain-text body: line breaks where blocks and `<br>` were, a link's address after its
 * text, tags dropped, entities read.
 */
export function textOfHtml(html: string): string {
  return (
    html
      .replace(/[\uE000\uE001]/g, '')
      .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
      // The address is marked until the tags are gone, or it would go with them.
      .replace(
        /<a\b[^>]*?\bhref\s*=\s*"([^"]*)"[^>]*>([\s\S]*?)<\/a\s*>/gi,
        (_whole, href: string, text: string) =>
          text.replace(/<[^>]*>/g, '').trim() === href ? href : `${text}\uE000${href}\uE001`,
      )
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|li|tr|h[1-6]|pre|blockquote)\s*>/gi, '\n')
      .replace(/<[^>]*>/g, '')
      .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, entityText)
      .replace(/\uE000([^\uE001]*)\uE001/g, ' <$1>')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}
