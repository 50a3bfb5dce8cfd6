// HTTPS server for the test bed's web hosts (MTA-STS policy hosts, WKD key directories and the VKS: whatever
// https-routes.js lists): one listener on the bed's HTTPS address, the certificate chosen by SNI, the response by
// Host.
// Started detached by up.sh: node https-hosts.js RUN_DIR PID_FILE (the pid file appears once it listens).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const https = require('node:https');
const tls = require('node:tls');
const { Buffer } = require('node:buffer');
const { URL } = require('node:url');
const { addr } = require('./layout.js');
const { routes } = require('./https-routes.js');
const { fillKeyRoutes } = require('./key-routes.js');

const [runDir, pidFile] = process.argv.slice(2);
const certDir = path.join(runDir, 'certs');
fillKeyRoutes(routes, runDir);

const contexts = new Map();
/** A secure context per certificate name, made once. */
function contextFor(certName) {
  if (!contexts.has(certName)) {
    contexts.set(
      certName,
      tls.createSecureContext({
        key: fs.readFileSync(path.join(certDir, `${certName}.key`)),
        cert: fs.readFileSync(path.join(certDir, `${certName}-chain.pem`)),
      }),
    );
  }
  return contexts.get(certName);
}

const normalizePath = (p) => {
  try {
    return p
      .split('/')
      .map((seg) => encodeURIComponent(decodeURIComponent(seg)))
      .join('/');
  } catch {
    return p;
  }
};
const hostOf = (req) => (req.headers.host || '').replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();

const server = https.createServer(
  {
    // Without SNI, or for a name not in the table, the `web` certificate (which names only the table's hosts).
    key: fs.readFileSync(path.join(certDir, 'web.key')),
    cert: fs.readFileSync(path.join(certDir, 'web-chain.pem')),
    SNICallback: (servername, cb) => {
      const route = routes.get(servername.replace(/\.$/, '').toLowerCase());
      cb(null, contextFor(route ? route.cert : 'web'));
    },
  },
  (req, res) => {
    const route = routes.get(hostOf(req));
    const { pathname } = new URL(req.url || '/', 'https://x');
    // Percent-encoding is the client's choice (VKS clients differ on `@`): also try the path encoded as the
    // route table writes it (encodeURIComponent per segment).
    const answer = route && (route.paths[pathname] || route.paths[normalizePath(pathname)]);
    if (!answer) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  },
);
// Bounded like any server facing hostile clients: a client that stalls is dropped.
server.headersTimeout = 10_000;
server.requestTimeout = 10_000;
server.keepAliveTimeout = 2_000;

server.listen(443, addr.https, () => {
  fs.writeFileSync(pidFile, `${process.pid}\n`);
  console.log(`https-hosts: ${routes.size} hosts on ${addr.https}:443`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
