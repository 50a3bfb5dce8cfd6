/** The service's own plain HTML pages (the start page, privacy, terms) share one frame and style. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;line-height:1.5;padding:0 1rem}</style></head>
<body>${body}</body></html>`;
}
