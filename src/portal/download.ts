/**
 * Attachments leave the page only as downloads: a Blob typed application/octet-stream and an `<a download>`,
 * never a navigation the browser might render (an HTML attachment opened in place would run in our origin).
 */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = safeFileName(name);
  anchor.rel = 'noopener';
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Path separators and characters Windows refuses become `_`; control characters too. */
function safeFileName(name: string): string {
  const cleaned = [...name].map((c) => (c.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(c) ? '_' : c)).join('');
  return cleaned || 'attachment';
}

export function formatBytes(size: number): string {
  if (size < 1024) return size === 1 ? '1 byte' : `${size} bytes`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(0)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}
