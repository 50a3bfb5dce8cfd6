/**
 * The pictures an HTML body holds in itself as `data:` URLs in `<img src>`, each with a file name: Thunderbird's
 * composer keeps every inline image so (its image dialog writes `data:<type>;filename=<name>;base64,…`, a pasted
 * image is a `data:` URL too) and lists none of them as attachments, so whatever replaces the HTML must carry
 * them as files or lose them. Each distinct URL once; names unique among themselves and the names already taken.
 */
import { parseDataUrl } from './data-url';
import { imgSources } from './img-sources';
import { uniqueNames } from './unique-names';

export interface EmbeddedImage {
  /** The URL's `filename=` (percent-decoded, without a path), else `image-N.<ext>`; made unique. */
  name: string;
  contentType: string;
  /** Its decoded size in bytes, counted without decoding. */
  size: number;
  bytes(): Uint8Array;
}

/** Types whose usual file extension is not their subtype. */
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/svg+xml': 'svg',
  'image/x-icon': 'ico',
  'image/vnd.microsoft.icon': 'ico',
  'image/tiff': 'tif',
};

function extension(contentType: string): string {
  const subtype = contentType.slice(contentType.indexOf('/') + 1);
  return EXTENSIONS[contentType] ?? (/^[a-z0-9]{1,8}$/.test(subtype) ? subtype : 'bin');
}

/** A name from a `filename=` parameter: percent-decoded where it can be, the last path segment, no controls. */
function givenName(parameter: string | undefined): string | undefined {
  if (parameter === undefined) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(parameter);
  } catch {
    name = parameter;
  }
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const clean = [...base]
    .filter((char) => char >= ' ' && char !== '\x7f')
    .join('')
    .trim();
  return clean === '' || clean === '.' || clean === '..' ? undefined : clean;
}

/** The body's `data:` images in document order, each URL once, named apart from `taken` (the listed attachments). */
export function embeddedImages(html: string, taken: readonly string[] = []): EmbeddedImage[] {
  const unique = uniqueNames(taken);
  const seen = new Set<string>();
  const images: EmbeddedImage[] = [];
  let unnamed = 0;
  for (const src of imgSources(html)) {
    if (seen.has(src)) continue;
    seen.add(src);
    const url = parseDataUrl(src);
    if (!url) continue;
    const name =
      givenName(url.parameters.get('filename')) ?? `image-${++unnamed}.${extension(url.contentType)}`;
    images.push({ name: unique(name), contentType: url.contentType, size: url.size, bytes: url.bytes });
  }
  return images;
}

/**
 * The pictures a message's HTML holds that OpenPGP sends as files beside its attachments, named apart from them:
 * one list for what the size estimate counts and what encrypting sends.
 */
export function bodyImageFiles(message: {
  html: string;
  attachments: readonly { name: string }[];
}): EmbeddedImage[] {
  return embeddedImages(
    message.html,
    message.attachments.map((a) => a.name),
  );
}
