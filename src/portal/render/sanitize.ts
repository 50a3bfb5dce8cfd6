/**
 * The sender's HTML made safe to show: DOMPurify (no scripts, handlers, forms, styles sheets, frames), then
 * remote images held back until the reader asks, and links disarmed so that only the portal's warning can open
 * them. The result goes into a sandboxed iframe without `allow-scripts`, a second wall if DOMPurify ever misses.
 */
import DOMPurify from 'dompurify';

export interface SanitizedBody {
  /** A complete document for `srcdoc`. */
  document: string;
  blockedImages: number;
}

const REMOTE = /^\s*(https?:)?\/\//i;
const SAFE_LINK = /^(https?:|mailto:)/i;

export function sanitizeEmail(html: string, allowRemoteImages: boolean): SanitizedBody {
  const purify = DOMPurify(window);
  let blockedImages = 0;
  purify.addHook('afterSanitizeAttributes', (node) => {
    const element = node as Element;
    if (element.tagName === 'A') {
      const href = element.getAttribute('href') ?? '';
      element.removeAttribute('href');
      element.removeAttribute('target');
      if (SAFE_LINK.test(href)) element.setAttribute('data-sg-href', href);
    }
    if (element.hasAttribute('srcset')) element.removeAttribute('srcset');
    if (element.tagName === 'IMG' && REMOTE.test(element.getAttribute('src') ?? '') && !allowRemoteImages) {
      element.setAttribute('data-sg-blocked', '');
      element.removeAttribute('src');
      blockedImages++;
    }
    // CSS can load images too (background: url(...)); without consent, no remote fetch of any kind.
    const style = element.getAttribute('style');
    if (style && /url\s*\(/i.test(style) && !allowRemoteImages) {
      element.setAttribute('style', style.replace(/url\s*\([^)]*\)/gi, 'none'));
      blockedImages++;
    }
  });
  const clean = purify.sanitize(html, {
    FORBID_TAGS: [
      'style',
      'link',
      'meta',
      'base',
      'form',
      'input',
      'button',
      'textarea',
      'select',
      'iframe',
      'object',
      'embed',
      'svg',
      'math',
    ],
    FORBID_ATTR: ['action', 'formaction', 'ping', 'background'],
    ALLOW_DATA_ATTR: false,
  });
  const document = [
    '<!doctype html><html><head><meta charset="utf-8">',
    '<style>body{font-family:"Segoe UI",system-ui,sans-serif;font-size:14px;line-height:1.5;color:#242424;margin:12px;word-wrap:break-word}',
    'img{max-width:100%}a[data-sg-href]{color:#0f6cbd;text-decoration:underline;cursor:pointer}',
    'img[data-sg-blocked]{display:inline-block;min-width:24px;min-height:24px;background:#f0f0f0}</style>',
    `</head><body>${clean}</body></html>`,
  ].join('');
  return { document, blockedImages };
}
