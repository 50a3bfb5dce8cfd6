/**
 * An AdminApi for the console pages' unit tests: answers from a table of routes ("GET /admin/pins" → a function
 * of the body), records every call in order, and refuses an unknown route the way the service would, with 404.
 */
import { AdminApiError, type AdminApi } from '../../src/admin/api';

export interface ApiCall {
  method: string;
  path: string;
  body?: unknown;
}

export type Route = (body: unknown, path: string) => unknown;

export interface FakeAdminApi extends AdminApi {
  calls: ApiCall[];
  /** The calls to `method path` (path without its query when `path` has none). */
  callsTo(method: string, path: string): ApiCall[];
  routes: Map<string, Route>;
}

/** `routes` keys are "METHOD /path" (without the query string); a route may throw an AdminApiError. */
export function fakeAdminApi(routes: Record<string, Route>): FakeAdminApi {
  const table = new Map(Object.entries(routes));
  const calls: ApiCall[] = [];
  const answer = async (method: string, path: string, body?: unknown) => {
    calls.push({ method, path, ...(body !== undefined ? { body } : {}) });
    const route = table.get(`${method} ${path.split('?')[0]}`);
    if (!route) throw new AdminApiError(404, 'NOT_FOUND', `no route ${method} ${path}`);
    return route(body, path);
  };
  return {
    calls,
    routes: table,
    callsTo: (method, path) =>
      calls.filter(
        (c) => c.method === method && (path.includes('?') ? c.path : c.path.split('?')[0]) === path,
      ),
    get: async <T>(path: string) => (await answer('GET', path)) as T,
    send: async <T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
      (await answer(method, path, body)) as T,
    getText: async (path: string) => String(await answer('GET', path)),
  };
}

/** jsdom lacks what Fluent's overlays and charts measure with; they need no real layout in these tests. */
export function jsdomForFluent(): void {
  globalThis.ResizeObserver ??= class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
}

/** What a page handed the browser to save: the file's name and its text. */
export interface Download {
  name: string;
  text: () => Promise<string>;
}

/**
 * Records every "Download CSV" from here on: jsdom neither makes object URLs nor saves files, so both are stood in
 * for at the two points the console's download goes through (an object URL for the blob, a link's click).
 */
export function captureDownloads(): Download[] {
  const downloads: Download[] = [];
  const blobs = new Map<string, Blob>();
  URL.createObjectURL = (blob: Blob) => {
    const url = `blob:test/${blobs.size}`;
    blobs.set(url, blob);
    return url;
  };
  URL.revokeObjectURL = () => undefined;
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    const blob = blobs.get(this.href)!;
    downloads.push({
      name: this.download,
      text: () =>
        new Promise<string>((resolve, reject) => {
          const reader = new FileReader();
          reader.onload = () => resolve(String(reader.result));
          reader.onerror = () => reject(reader.error);
          reader.readAsText(blob);
        }),
    });
  };
  return downloads;
}
