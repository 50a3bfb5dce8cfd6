/**
 * A style attribute reduced to declarations that cannot fetch anything: the property is on a list of layout,
 * text and colour properties, and the value holds only words, numbers, colours, commas and (for fonts) quoted
 * family names. Any url token, function other than a colour function, at-keyword, block, comment or escape
 * drops its declaration; kept declarations are written out one by one, so nothing the browser might join
 * differently survives.
 */
import { tokenizeCss, type CssToken } from './css-tokens';

/** Longer style attributes are dropped whole: mail formatting needs far less, and each pass stays bounded. */
export const MAX_STYLE_LENGTH = 8192;

const PROPERTIES = new Set([
  'background-color',
  'border',
  'border-collapse',
  'border-color',
  'border-radius',
  'border-spacing',
  'border-style',
  'border-width',
  ...['top', 'right', 'bottom', 'left'].flatMap((side) => [
    `border-${side}`,
    `border-${side}-color`,
    `border-${side}-style`,
    `border-${side}-width`,
    `margin-${side}`,
    `padding-${side}`,
  ]),
  'box-sizing',
  'clear',
  'color',
  'direction',
  'display',
  'float',
  'font',
  'font-family',
  'font-size',
  'font-style',
  'font-variant',
  'font-weight',
  'height',
  'letter-spacing',
  'line-height',
  'list-style-position',
  'list-style-type',
  'margin',
  'max-height',
  'max-width',
  'min-height',
  'min-width',
  'opacity',
  'overflow',
  'overflow-wrap',
  'padding',
  'table-layout',
  'text-align',
  'text-decoration',
  'text-indent',
  'text-overflow',
  'text-transform',
  'vertical-align',
  'white-space',
  'width',
  'word-break',
  'word-spacing',
  'word-wrap',
]);

/** Quoted strings only name font families here; elsewhere (`image-set("…")`) they can be URLs. */
const STRING_PROPERTIES = new Set(['font', 'font-family']);
const COLOR_FUNCTIONS = new Set(['rgb', 'rgba', 'hsl', 'hsla']);
const PLAIN = new Set(['whitespace', 'ident', 'number', 'percentage', 'dimension', 'hash', ',']);
const DELIMS = new Set(['/', '!', '+', '-', '%', '.']);

export function safeStyle(style: string): string {
  if (style.length > MAX_STYLE_LENGTH) return '';
  const kept: string[] = [];
  for (const declaration of declarations(tokenizeCss(style))) {
    const text = safeDeclaration(style, declaration);
    if (text) kept.push(text);
  }
  return kept.join('; ');
}

/** Splits at `;` outside parentheses and blocks (CSS Syntax §5.4.5). */
function declarations(tokens: CssToken[]): CssToken[][] {
  const out: CssToken[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'function' || token.kind === '(' || token.kind === '[' || token.kind === '{') depth++;
    else if (token.kind === ')' || token.kind === ']' || token.kind === '}') depth = Math.max(0, depth - 1);
    if (token.kind === ';' && depth === 0) out.push([]);
    else out[out.length - 1]!.push(token);
  }
  return out;
}

function safeDeclaration(source: string, tokens: CssToken[]): string | undefined {
  const significant = tokens.filter((t) => t.kind !== 'whitespace');
  const [name, colon] = significant;
  if (name?.kind !== 'ident' || name.escaped || colon?.kind !== ':') return undefined;
  const property = name.name.toLowerCase();
  if (!PROPERTIES.has(property)) return undefined;
  const value = tokens.slice(tokens.indexOf(colon) + 1);
  if (!safeValue(source, value, STRING_PROPERTIES.has(property))) return undefined;
  const significantValue = value.filter((t) => t.kind !== 'whitespace');
  const first = significantValue[0];
  const last = significantValue[significantValue.length - 1];
  if (!first || !last) return undefined;
  return `${property}: ${source.slice(first.start, last.end)}`;
}

/** A font name in quotes; one that holds a parenthesis names no font and only looks like a call. */
function isFontName(source: string, token: CssToken): boolean {
  const text = source.slice(token.start, token.end);
  return !text.includes('(') && !text.includes(')');
}

/** Plain tokens, colour functions one level deep and closed, font names where allowed; no escapes anywhere. */
function safeValue(source: string, tokens: CssToken[], stringsAllowed: boolean): boolean {
  let inFunction = false;
  for (const token of tokens) {
    if (token.escaped) return false;
    if (PLAIN.has(token.kind)) continue;
    if (token.kind === 'delim' && DELIMS.has(token.name)) continue;
    if (token.kind === 'string' && stringsAllowed && !inFunction && isFontName(source, token)) continue;
    if (token.kind === 'function' && !inFunction && COLOR_FUNCTIONS.has(token.name.toLowerCase())) {
      inFunction = true;
      continue;
    }
    if (token.kind === ')' && inFunction) {
      inFunction = false;
      continue;
    }
    return false;
  }
  return !inFunction;
}
