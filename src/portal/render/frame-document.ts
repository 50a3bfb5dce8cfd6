/**
 * The document the body frame shows: its own content security policy as the first element of its head, so that
 * the browser refuses every remote fetch before the reader consents even if the sanitiser lets one through. A
 * `srcdoc` frame also inherits the portal page's policy (src/server/escrow/headers.ts); both apply, so this one
 * only ever narrows it.
 */

/** Before consent nothing remote: images only from `data:` (inline pictures), styles only inline. */
const BEFORE_CONSENT = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** After the reader asks for images: HTTPS images too, and still nothing else. */
const AFTER_CONSENT = BEFORE_CONSENT.replace('img-src data:', 'img-src data: https:');

export function frameCsp(allowRemoteImages: boolean): string {
  return allowRemoteImages ? AFTER_CONSENT : BEFORE_CONSENT;
}

// On white whatever the portal's theme: mail is written for a light page, and its own colours (dark text, say)
// would be unreadable on the dark theme's background.
const FRAME_STYLE = [
  'html{background:#fff}',
  'body{font-family:"Segoe UI",system-ui,sans-serif;font-size:14px;line-height:1.5;color:#242424;margin:12px;word-wrap:break-word}',
  'img{max-width:100%}a[data-sg-href]{color:#0f6cbd;text-decoration:underline;cursor:pointer}',
  'img[data-sg-blocked]{display:inline-block;min-width:24px;min-height:24px;background:#f0f0f0}',
].join('');

/** `bodyHtml` must already be sanitised: it is placed as is. */
export function frameDocument(bodyHtml: string, allowRemoteImages: boolean): string {
  return [
    '<!doctype html><html><head>',
    `<meta http-equiv="Content-Security-Policy" content="${frameCsp(allowRemoteImages)}">`,
    '<meta charset="utf-8">',
    // No speculative DNS for links. Chromium still resolves an explicit `<link rel=dns-prefetch>` (and opens
    // `preconnect` hints) whatever this or the policy says: the sanitiser is what removes those.
    '<meta http-equiv="x-dns-prefetch-control" content="off">',
    '<meta name="referrer" content="no-referrer">',
    `<style>${FRAME_STYLE}</style>`,
    `</head><body>${bodyHtml}</body></html>`,
  ].join('');
}
