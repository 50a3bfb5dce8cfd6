/**
 * Text placed in HTML or XML (element content or a double-quoted attribute), with the characters that would end
 * it escaped.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ENTITIES[char]!);
}
