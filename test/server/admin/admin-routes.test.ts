/**
 * Only admins reach admin routes. The routes are not listed here: they are read from the app itself
 * (`printRoutes`), so that a route anyone adds later is covered without editing this test. An admin route is
 * every route under `/api/v1/admin`, and every other route that refuses a sender's token as FORBIDDEN (an
 * `ADMIN_ONLY` route elsewhere, such as `/metrics`). On each: no token is 401, a sender's token 403, and the admin's
 * token gets past authentication (whatever the handler then answers to an empty request).
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { FINGERPRINT } from '../api/fakes';
import { as, startAdminApp, type AdminApp } from './admin-app';

interface Route {
  method: NonNullable<InjectOptions['method']>;
  /** As registered, with `:params`. */
  path: string;
}

/**
 * Every route of `app` from its route tree (`commonPrefix: false`): a line is `├── /path (GET, HEAD)`, nested four
 * characters deeper under the route whose path it continues.
 */
function routesOf(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const branch = line.indexOf('── ');
    if (branch < 0) continue;
    // `├── ` or `└── ` four characters further in per level.
    const depth = (branch - 1) / 4;
    const text = line.slice(branch + 3);
    const methodsAt = text.lastIndexOf(' (');
    const segment = methodsAt < 0 ? text : text.slice(0, methodsAt);
    const path = (depth > 0 ? prefixes[depth - 1]! : '') + segment;
    prefixes[depth] = path;
    if (methodsAt < 0) continue;
    for (const method of text.slice(methodsAt + 2, -1).split(', '))
      routes.push({ method: method as Route['method'], path });
  }
  return routes;
}

/** A value for each path parameter that its schema accepts, so that a refusal is about the caller, not the path. */
const SAMPLES: Record<string, string> = {
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  rid: 'BBBBBBBBBBBBBBBBBBBBBB',
  n: '0',
  address: 'ann@partner.example',
  domain: 'partner.example',
  fingerprint: FINGERPRINT,
};

function urlOf({ path }: Route): string {
  return path.replace(/:([A-Za-z]+)/g, (_match, name: string) => SAMPLES[name] ?? 'x').replace('*', '/x');
}

const answer = async (app: FastifyInstance, route: Route, token?: string) => {
  const response = await app.inject({
    method: route.method,
    url: urlOf(route),
    headers: token ? as(token) : {},
  });
  // Only refusals are read for their code; a HEAD answer has no body to name one: its status is all there is.
  const json =
    response.body !== '' && String(response.headers['content-type']).startsWith('application/json');
  const code = json ? (response.json() as { error?: { code?: string } }).error?.code : undefined;
  return { status: response.statusCode, code };
};

/**
 * Refused for want of the admin role. A HEAD answer cannot say why it is refused: its 403 counts, the code being
 * its GET's (Fastify's HEAD runs its GET's route, options and all).
 */
const forbidden = (route: Route, { status, code }: { status: number; code?: string }) =>
  status === 403 && (code === 'FORBIDDEN' || route.method === 'HEAD');

const name = (route: Route) => `${route.method} ${route.path}`;

/** The admin routes of `app`: by path, and by how a sender's token is refused. */
async function adminRoutes({ app, tokens }: AdminApp): Promise<Route[]> {
  const all = routesOf(app);
  const found: Route[] = [];
  for (const route of all) {
    if (route.method === 'HEAD') continue;
    if (route.path.startsWith('/api/v1/admin/') || route.path === '/api/v1/admin') found.push(route);
    else if (forbidden(route, await answer(app, route, tokens.ann))) found.push(route);
  }
  const gets = new Set(found.filter((route) => route.method === 'GET').map((route) => route.path));
  return [...found, ...all.filter((route) => route.method === 'HEAD' && gets.has(route.path))];
}

let admin: AdminApp;
let routes: Route[];

beforeAll(async () => {
  admin = await startAdminApp();
  routes = await adminRoutes(admin);
});

test('the routes are read from the app: those of the contract and those before it are among them', () => {
  const names = routes.map(name);
  for (const known of [
    'GET /api/v1/admin/domains/:domain',
    'GET /api/v1/admin/pins',
    'PUT /api/v1/admin/pins/:address',
    'GET /api/v1/admin/keys/changed',
    'POST /api/v1/admin/keys/:address/accept',
    'POST /api/v1/admin/keys/:address/refuse',
    'GET /api/v1/admin/messages',
    'GET /api/v1/admin/messages/:id/audit',
    'POST /api/v1/admin/messages/:id/revoke',
    'POST /api/v1/admin/messages/:id/recipients/revoke',
    'POST /api/v1/admin/messages/:id/expiry',
    'GET /api/v1/admin/keyring',
    'POST /api/v1/admin/keyring',
    'DELETE /api/v1/admin/keyring/:fingerprint',
    'POST /api/v1/admin/tokens',
    'GET /api/v1/admin/tokens',
    'DELETE /api/v1/admin/tokens/:id',
    // metrics.requireAdmin is on by default: found by its refusal of the sender, not by its path.
    'GET /metrics',
  ])
    expect(names).toContain(known);
  // Routes everyone signed in reaches are not among them.
  expect(names).not.toContain('GET /api/v1/domains/:domain');
  expect(names).not.toContain('POST /api/v1/escrow/messages/:id/revoke');
});

test('without a token every admin route answers 401', async () => {
  const wrong: string[] = [];
  for (const route of routes) if ((await answer(admin.app, route)).status !== 401) wrong.push(name(route));
  expect(wrong).toEqual([]);
});

test("a sender's token is refused with 403 FORBIDDEN on every admin route", async () => {
  const wrong: string[] = [];
  for (const route of routes) {
    const refusal = await answer(admin.app, route, admin.tokens.ann);
    if (!forbidden(route, refusal)) wrong.push(`${name(route)}: ${refusal.status} ${refusal.code}`);
  }
  expect(wrong).toEqual([]);
});

test("the admin's token gets past authentication on every admin route", async () => {
  const wrong: string[] = [];
  for (const route of routes) {
    const { status } = await answer(admin.app, route, admin.tokens.admin);
    if (status === 401 || status === 403) wrong.push(`${name(route)}: ${status}`);
  }
  expect(wrong).toEqual([]);
});

test('with metrics.requireAdmin off, /metrics is public and no longer an admin route', async () => {
  const open = await startAdminApp({ config: { metrics: { requireAdmin: false } } });
  expect((await open.app.inject({ url: '/metrics' })).statusCode).toBe(200);
  expect((await adminRoutes(open)).map(name)).not.toContain('GET /metrics');
});
