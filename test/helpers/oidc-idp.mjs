/**
 * A recipient's identity provider for the sign-in tests: `oidc-provider` over HTTPS in its own Node process
 * (oidc-provider is ESM only), started and stopped by test/helpers/oidc-idp.ts — read that file's header.
 *
 * Usage: node oidc-idp.mjs '<settings JSON>'. Settings: { address, port, hostname, mount, tls: { cert, key },
 * clients, registration, accounts }. Listens on `port` (default ephemeral) of `address`, serves the issuer
 * `https://<hostname>[:<port>]<mount>` and prints `OIDC_IDP_READY {issuer, port}` when it answers.
 *
 * Sign-in: the authorization endpoint leads to a plain form (`/interaction/<uid>`, outside the mount) where the
 * user types the login of one of `accounts`; the form's POST logs them in and grants openid, email and profile.
 * The account's `claims` go into the ID token as they are (conformIdTokenClaims off), so a test chooses exactly
 * what the token says: email, email_verified, hd, tid, xms_edov, verified_primary_email…
 */
import { createServer } from 'node:https';
import process from 'node:process';
import { URLSearchParams } from 'node:url';
import Provider, { interactionPolicy } from 'oidc-provider';

const settings = JSON.parse(process.argv[2] ?? '{}');
const CLAIMS = [
  'email',
  'email_verified',
  'hd',
  'tid',
  'xms_edov',
  'verified_primary_email',
  'verified_secondary_email',
];

function account(login) {
  const claims = settings.accounts[login];
  return claims && { accountId: login, claims: async () => ({ sub: login, ...claims }) };
}

/** `prompt=select_account`, which Microsoft and Google take and oidc-provider does not know by itself. */
function promptsLikeMicrosoftAndGoogle() {
  const policy = interactionPolicy.base();
  policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }));
  return policy;
}

function configuration() {
  return {
    clients: settings.clients,
    findAccount: (_ctx, id) => account(id),
    // As Microsoft and Google do, the provider's own claims (hd, tid, xms_edov…) come with openid itself.
    claims: { openid: ['sub', ...CLAIMS.slice(2)], email: ['email', 'email_verified'] },
    scopes: ['openid', 'email'],
    conformIdTokenClaims: false,
    interactions: {
      policy: promptsLikeMicrosoftAndGoogle(),
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: Boolean(settings.registration) },
    },
    pkce: { required: () => true },
    cookies: { keys: ['sign-in-test-cookie-key'] },
  };
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, clientId, failed) {
  return `<!doctype html><html><head><title>Sign in</title></head><body>
<h1>Sign in to ${escape(settings.hostname)}</h1><p>for ${escape(clientId)}</p>
${failed ? '<p role="alert">No such account.</p>' : ''}
<form method="post" action="/interaction/${escape(uid)}">
<label>Account <input name="login" autocomplete="off"></label>
<button type="submit">Sign in</button></form></body></html>`;
}

function readForm(request) {
  return new Promise((resolve, reject) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => resolve(new URLSearchParams(body)));
    request.on('error', reject);
  });
}

async function interaction(provider, request, response) {
  const details = await provider.interactionDetails(request, response);
  if (request.method === 'GET') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return response.end(loginPage(details.uid, details.params.client_id, false));
  }
  const login = (await readForm(request)).get('login') ?? '';
  if (!settings.accounts[login]) {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return response.end(loginPage(details.uid, details.params.client_id, true));
  }
  const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
  grant.addOIDCScope('openid email');
  const grantId = await grant.save();
  return provider.interactionFinished(request, response, {
    login: { accountId: login },
    consent: { grantId },
    select_account: {},
  });
}

async function main() {
  let handle = (_request, response) => response.writeHead(503).end();
  const server = createServer(settings.tls, (request, response) => handle(request, response));
  await new Promise((resolve) => server.listen(settings.port ?? 0, settings.address, resolve));
  const { port } = server.address();
  const origin = port === 443 ? `https://${settings.hostname}` : `https://${settings.hostname}:${port}`;
  const mount = settings.mount ?? '';
  const provider = new Provider(`${origin}${mount}`, configuration());
  provider.proxy = false;
  const callback = provider.callback();
  handle = (request, response) => {
    if (request.url.startsWith('/interaction/'))
      return interaction(provider, request, response).catch((error) => {
        response.writeHead(400, { 'content-type': 'text/plain' });
        response.end(String(error.message ?? error));
      });
    if (mount && request.url !== mount && !request.url.startsWith(`${mount}/`))
      return response.writeHead(404).end();
    request.originalUrl = request.url;
    request.url = request.url.slice(mount.length) || '/';
    return callback(request, response);
  };
  process.stdout.write(`OIDC_IDP_READY ${JSON.stringify({ issuer: `${origin}${mount}`, port })}\n`);
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
