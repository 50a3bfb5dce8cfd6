// The HTTPS route table: which host names the HTTPS server answers, with which certificate, and what each path
// returns. Plain data (a Map of host → { cert, paths }) so later work can add hosts and paths — WKD key
// directories (openpgpkey.<domain>/.well-known/openpgpkey/...), a VKS endpoint, mail clients' autoconfig files
// (autoconfig.<domain>/mail/config-v1.1.xml, <domain>/.well-known/autoconfig/...) — by adding entries here; the
// server (https-hosts.js) and the `web` certificate's names (layout.js) follow the table.
//
//   cert:  name of a certificate in RUN/certs (`web` is the CA-signed one whose names are this table's hosts)
//   paths: path → { status, headers, body } (body a string or Buffer)
'use strict';

const { stsHosts, autoconfigHosts, fqdn } = require('./layout.js');
const { keyHosts } = require('./key-layout.js');

const STS_PATH = '/.well-known/mta-sts.txt';
const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

/** An RFC 8461 §3.2 policy body (CRLF line ends, as the RFC's ABNF has them). */
const policy = (mode, mx, extra = []) =>
  ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), 'max_age: 86400', ...extra, ''].join(
    '\r\n',
  );

/** What mta-sts.<domain> answers for each kind of MTA-STS case (layout.js `sts`). */
const stsResponses = {
  enforce: (h) => ({ status: 200, headers: TEXT, body: policy('enforce', h.mx) }),
  testing: (h) => ({ status: 200, headers: TEXT, body: policy('testing', h.mx) }),
  none: (h) => ({ status: 200, headers: TEXT, body: policy('none', h.mx) }),
  // RFC 8461 §4.1: "*.example.com" matches exactly one left-most label
  wildcard: (h) => ({ status: 200, headers: TEXT, body: policy('enforce', [`*.${h.domain}`]) }),
  'mx-mismatch': () => ({ status: 200, headers: TEXT, body: policy('enforce', [fqdn('mx.elsewhere')]) }),
  // RFC 8461 §3.3: "HTTP 3xx redirects MUST NOT be followed" — the target is a perfectly good policy.
  redirect: () => ({
    status: 301,
    headers: { location: `https://${fqdn('mta-sts.sts-enforce')}${STS_PATH}`, ...TEXT },
    body: 'moved\r\n',
  }),
  // RFC 8461 §3.2: the media type is "text/plain"; the body is otherwise a valid enforce policy.
  'content-type': (h) => ({
    status: 200,
    headers: { 'content-type': 'text/html' },
    body: policy('enforce', h.mx),
  }),
  // RFC 8461 §3.3: senders may limit the policy to 64 KiB; a valid policy padded to ~80 KiB with extension fields.
  oversize: (h) => ({
    status: 200,
    headers: TEXT,
    body: policy(
      'enforce',
      h.mx,
      Array.from({ length: 80 }, (_, i) => `x-padding-${i}: ${'a'.repeat(1000)}`),
    ),
  }),
  // Within 64 KiB, but built to make a backtracking parser take ages: an `mx:` line of 60k spaces ended by a lone
  // CR and a letter. Not a valid policy, whatever else it holds.
  pathological: (h) => ({
    status: 200,
    headers: TEXT,
    body: policy('enforce', h.mx, [`mx:${' '.repeat(60_000)}\rx`]),
  }),
  // Sixty lines of a thousand characters with no colon: not a valid policy either.
  'long-lines': (h) => ({
    status: 200,
    headers: TEXT,
    body: policy(
      'enforce',
      h.mx,
      Array.from({ length: 60 }, () => `${'mx '.repeat(333)}x`),
    ),
  }),
};

/** @type {Map<string, { cert: string, paths: Record<string, { status: number, headers: Record<string, string>, body: string | Buffer }> }>} */
const routes = new Map();
for (const h of stsHosts()) {
  const respond = stsResponses[h.kind];
  if (!respond) throw new Error(`https-routes: no MTA-STS response kind "${h.kind}" (${h.host})`);
  routes.set(h.host, { cert: h.cert, paths: { [STS_PATH]: respond(h) } });
}

// OpenPGP key hosts (WKD, VKS): declared here so that the `web` certificate names them; their paths come from the
// keys made for the run directory (key-routes.js, called by https-hosts.js).
for (const host of keyHosts()) routes.set(host, { cert: 'web', paths: {} });

/**
 * A Thunderbird autoconfig file (the config-v1.1.xml format Thunderbird's account set-up reads from
 * autoconfig.<domain> and <domain>/.well-known/autoconfig/) listing the servers of an autoconfig host.
 */
function clientConfig(h) {
  const server = (tag, s) =>
    [
      `    <${tag} type="${s.type}">`,
      `      <hostname>${s.host}</hostname>`,
      `      <port>${s.port}</port>`,
      `      <socketType>${s.socketType}</socketType>`,
      '      <authentication>password-cleartext</authentication>',
      '      <username>%EMAILADDRESS%</username>',
      `    </${tag}>`,
    ].join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${h.domain}">`,
    `    <domain>${h.domain}</domain>`,
    `    <displayName>Sendguard test bed mail (${h.domain})</displayName>`,
    ...h.incoming.map((s) => server('incomingServer', s)),
    ...h.outgoing.map((s) => server('outgoingServer', s)),
    '  </emailProvider>',
    '</clientConfig>',
    '',
  ].join('\n');
}
const XML = { 'content-type': 'text/xml; charset=utf-8' };
for (const h of autoconfigHosts()) {
  if (routes.has(h.host)) throw new Error(`https-routes: ${h.host} is already a route`);
  routes.set(h.host, {
    cert: 'web',
    paths: { [h.path]: { status: 200, headers: XML, body: clientConfig(h) } },
  });
}

module.exports = { routes, STS_PATH };
