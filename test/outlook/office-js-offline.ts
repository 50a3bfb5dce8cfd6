/**
 * Office.js offline, from the `@microsoft/office-js` package: the production pages name Microsoft's CDN, and a
 * browser test answers that CDN's requests from the package's dist/ (office.js and the files it loads after it).
 * Any other request off this machine is refused, so nothing is fetched from the network.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { ROOT } from './built-addin';

export const OFFICE_JS_CDN = 'https://appsforoffice.microsoft.com/lib/1/hosted/';
export const OFFICE_JS_DIST = join(ROOT, 'node_modules', '@microsoft', 'office-js', 'dist');

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Routes the CDN to the package; returns the files asked for, and the other requests refused. */
export async function serveOfficeJsFromPackage(
  context: BrowserContext,
): Promise<{ served: string[]; refused: string[] }> {
  const served: string[] = [];
  const refused: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(OFFICE_JS_CDN)) {
      const name = url.slice(OFFICE_JS_CDN.length).split(/[?#]/)[0]!;
      const file = join(OFFICE_JS_DIST, name);
      // The package's own files only: no way out of dist/.
      if (!name.includes('..') && existsSync(file)) {
        served.push(name);
        return route.fulfill({ body: readFileSync(file), contentType: 'application/javascript' });
      }
      refused.push(url);
      return route.fulfill({ status: 404 });
    }
    if (LOCAL_HOSTS.has(new URL(url).hostname)) return route.continue();
    refused.push(url);
    return route.abort();
  });
  return { served, refused };
}
