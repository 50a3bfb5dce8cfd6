/**
 * The sender's HTML made safe to show. DOMPurify with an allow-list of plain HTML elements and attributes
 * (no SVG or MathML, no media, forms, frames, links to resources, `style` elements), then:
 * - images: inline `data:` pictures always; `https:` ones only once the reader asks, written out as the URL
 *   parser reads them (so tabs, backslashes and protocol-relative tricks are spelt out); anything else dropped;
 * - links: the target moves to `data-sg-href`, so a click (or Enter: they stay links, in the tab order) reaches
 *   the portal's warning and never the network;
 * - style attributes: only declarations that cannot fetch (./safe-style.ts).
 * The result goes into a sandboxed frame without `allow-scripts` and with its own content security policy
 * (./frame-document.ts): the policy alone stops every fetch before consent, but Chromium still resolves
 * `dns-prefetch` and opens `preconnect` links whatever it says, so those rely on the sanitiser removing them.
 */
import DOMPurify from 'dompurify';
import { frameDocument } from './frame-document';
import { safeStyle } from './safe-style';

export interface SanitizedBody {
  /** A complete document for `srcdoc`. */
  document: string;
  /** Remote images held back until the reader consents. */
  blockedImages: number;
}

const ALLOWED_TAGS = [
  'a',
  'abbr',
  'address',
  'article',
  'aside',
  'b',
  'bdi',
  'bdo',
  'big',
  'blockquote',
  'br',
  'caption',
  'center',
  'cite',
  'code',
  'col',
  'colgroup',
  'dd',
  'del',
  'details',
  'dfn',
  'div',
  'dl',
  'dt',
  'em',
  'figcaption',
  'figure',
  'font',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'i',
  'img',
  'ins',
  'kbd',
  'li',
  'main',
  'mark',
  'nav',
  'ol',
  'p',
  'pre',
  'q',
  's',
  'samp',
  'section',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'summary',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'time',
  'tr',
  'tt',
  'u',
  'ul',
  'var',
  'wbr',
];

/** None of these carries a URL except `href` (links) and `src` (images), which the hook below rewrites. */
const ALLOWED_ATTR = [
  'align',
  'alt',
  'bgcolor',
  'border',
  'cellpadding',
  'cellspacing',
  'class',
  'color',
  'colspan',
  'dir',
  'face',
  'height',
  'href',
  'hspace',
  'lang',
  'nowrap',
  'open',
  'reversed',
  'rowspan',
  'scope',
  'size',
  'span',
  'src',
  'start',
  'style',
  'title',
  'type',
  'valign',
  'vspace',
  'width',
];

/** Inline raster pictures; not SVG, which needs no remote fetch as an image but names URLs all the same. */
const INLINE_IMAGE = /^data:image\/(png|gif|jpe?g|webp|bmp)[;,]/i;
const LINK_PROTOCOLS = new Set(['https:', 'http:', 'mailto:']);
/** Resolves relative references so that they are recognisably not remote (the frame's base is the portal). */
const NO_BASE = 'https://relative.invalid/';

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value, NO_BASE);
  } catch {
    return undefined;
  }
}

const isRemote = (url: URL | undefined): url is URL =>
  url !== undefined &&
  (url.protocol === 'https:' || url.protocol === 'http:') &&
  url.host !== 'relative.invalid';

export function sanitizeEmail(html: string, allowRemoteImages: boolean): SanitizedBody {
  const purify = DOMPurify(window);
  let blockedImages = 0;

  purify.addHook('uponSanitizeAttribute', (_node, data) => {
    if (data.attrName !== 'style') return;
    data.attrValue = safeStyle(data.attrValue);
    if (!data.attrValue) data.keepAttr = false;
  });

  purify.addHook('afterSanitizeAttributes', (node) => {
    const element = node as Element;
    const src = element.getAttribute('src');
    const href = element.getAttribute('href');
    element.removeAttribute('src');
    element.removeAttribute('href');
    if (element.tagName === 'IMG' && src !== null) {
      const image = imageSource(src, allowRemoteImages);
      if (image.src) element.setAttribute('src', image.src);
      if (image.blocked) {
        element.setAttribute('data-sg-blocked', '');
        blockedImages++;
      }
    }
    if (element.tagName === 'A' && href !== null) {
      const url = parseUrl(href);
      if (url && LINK_PROTOCOLS.has(url.protocol) && (url.protocol === 'mailto:' || isRemote(url))) {
        element.setAttribute('data-sg-href', url.href);
        // Without its href the anchor is no link to the keyboard or to a screen reader: it is made one again
        // (the portal's frame opens it on Enter as on a click).
        element.setAttribute('role', 'link');
        element.setAttribute('tabindex', '0');
      }
    }
  });

  const clean = purify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
  });
  return { document: frameDocument(clean, allowRemoteImages), blockedImages };
}

function imageSource(src: string, allowRemoteImages: boolean): { src?: string; blocked: boolean } {
  const trimmed = src.trim();
  if (INLINE_IMAGE.test(trimmed)) return { src: trimmed, blocked: false };
  const url = parseUrl(src);
  if (!isRemote(url) || url.protocol !== 'https:') return { blocked: false };
  return allowRemoteImages ? { src: url.href, blocked: false } : { blocked: true };
}
