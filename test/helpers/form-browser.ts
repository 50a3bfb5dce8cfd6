/**
 * What a browser does in a sign-in pop-up, without the browser: follows redirects with a cookie jar, resolves host
 * names through a test's own table, trusts the test's CA, and fills in the test identity provider's login form
 * (test/helpers/oidc-idp.mjs). It stops at the first page of the service's portal, where the pop-up would land.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

export interface FormBrowser {
  /** Cookies by name (one host's worth is enough for these tests: names do not collide). */
  jar: Map<string, string>;
  /** Goes from `url` through redirects and the login form (as `login`) to the portal page it lands on. */
  signIn(url: string, login: string): Promise<URL>;
}

interface Answer {
  status: number;
  location?: string;
  body: string;
}

export function formBrowser(options: {
  hosts: Record<string, string>;
  ca: string;
  portalOrigin: string;
}): FormBrowser {
  const jar = new Map<string, string>();
  const lookup: LookupFunction = (host, opts, callback) => {
    const address = options.hosts[host] ?? (host === 'localhost' ? '127.0.0.1' : undefined);
    if (!address) return callback(new Error(`no test address for ${host}`), '', 4);
    if ((opts as { all?: boolean }).all)
      return (callback as unknown as (e: null, a: unknown[]) => void)(null, [{ address, family: 4 }]);
    return callback(null, address, 4);
  };

  const request = (url: URL, form?: URLSearchParams): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const body = form ? Buffer.from(form.toString()) : undefined;
      const headers: Record<string, string | number> = {};
      if (jar.size) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
      if (body)
        Object.assign(headers, {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': body.length,
        });
      const get = url.protocol === 'https:' ? https.request : http.request;
      const outgoing = get(
        url,
        { method: body ? 'POST' : 'GET', headers, lookup, ca: options.ca, agent: false },
        (response) => {
          for (const cookie of response.headers['set-cookie'] ?? []) {
            const [pair = ''] = cookie.split(';');
            const eq = pair.indexOf('=');
            const [name, value] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
            if (/max-age=0/i.test(cookie) || value === '') jar.delete(name);
            else jar.set(name, value);
          }
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: text,
              ...(response.headers.location ? { location: response.headers.location } : {}),
            }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  return {
    jar,
    async signIn(start, login) {
      let url = new URL(start);
      let form: URLSearchParams | undefined;
      for (let step = 0; step < 20; step += 1) {
        if (url.origin === options.portalOrigin && url.pathname.startsWith('/pickup/')) return url;
        const answer = await request(url, form);
        form = undefined;
        if (answer.location) {
          url = new URL(answer.location, url);
        } else if (answer.status === 200 && url.pathname.startsWith('/interaction/')) {
          form = new URLSearchParams({ login });
        } else {
          throw new Error(
            `the sign-in stopped at ${url.href}: HTTP ${answer.status} ${answer.body.slice(0, 300)}`,
          );
        }
      }
      throw new Error('the sign-in went round in circles');
    },
  };
}
