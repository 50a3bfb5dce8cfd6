// Peers that accept and then never answer, for the checks' deadlines:
//   DNS   — a server on its own address (UDP and TCP port 53) that reads every query and answers none: a resolver
//           that has stopped answering (bed.json `dnsStall`)
//   HTTPS — a policy host that completes the TLS handshake with a valid certificate, reads the request and never
//           sends a byte of response
// Started detached by up.sh: node stall-hosts.js RUN_DIR PID_FILE (the pid file appears once all listen).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const tls = require('node:tls');
const dgram = require('node:dgram');
const { setTimeout, clearTimeout } = require('node:timers');
const { addr } = require('./layout.js');

const [runDir, pidFile] = process.argv.slice(2);
const certDir = path.join(runDir, 'certs');
const MAX_CONNECTION_MS = 10 * 60_000; // even a stall lets go eventually, so nothing piles up

/** Reads and drops whatever arrives, never writes, and closes after at most MAX_CONNECTION_MS. */
function stall(socket) {
  socket.on('error', () => {});
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), MAX_CONNECTION_MS);
  socket.on('close', () => clearTimeout(timer));
}

const listening = (server, ...args) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(...args, () => resolve(server));
  });

const udp = new Promise((resolve, reject) => {
  const socket = dgram.createSocket('udp4');
  socket.on('message', () => {}); // read, never answer
  socket.once('error', reject);
  socket.bind(53, addr.dnsStall, () => resolve(socket));
});
const dnsTcp = listening(net.createServer(stall), 53, addr.dnsStall);
const https = listening(
  tls
    .createServer(
      {
        key: fs.readFileSync(path.join(certDir, 'web.key')),
        cert: fs.readFileSync(path.join(certDir, 'web-chain.pem')),
      },
      stall,
    )
    .on('tlsClientError', () => {}),
  443,
  addr.httpsStall,
);

Promise.all([udp, dnsTcp, https]).then(
  () => {
    fs.writeFileSync(pidFile, `${process.pid}\n`);
    console.log(`stall-hosts: dns ${addr.dnsStall}:53 (udp, tcp), https ${addr.httpsStall}:443`);
    for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
  },
  (err) => {
    console.error(`stall-hosts: ${err.message}`);
    process.exit(1);
  },
);
