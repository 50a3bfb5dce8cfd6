// SMTP peers that misbehave, for the prober's "hostile input" cases. Each listens on its own address, port 25:
//   tarpit   — accepts the connection and never says a word
//   junk     — sends binary garbage instead of a 220 banner
//   tempfail — greets with 421 (service not available, try later) and hangs up
//   inject   — a plausible ESMTP server that answers STARTTLS with "220" *and*, in the same write, an extra
//              response line (STARTTLS response injection); then completes a real TLS handshake with a valid
//              certificate. A careful client refuses to go on; a naive one sees good TLS.
// Started detached by up.sh: node hostile-smtp.js RUN_DIR PID_FILE (the pid file appears once all listen).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const tls = require('node:tls');
const { Buffer } = require('node:buffer');
const { setTimeout, clearTimeout } = require('node:timers');
const { addr, fqdn } = require('./layout.js');

const [runDir, pidFile] = process.argv.slice(2);
const certDir = path.join(runDir, 'certs');
const MAX_CONNECTION_MS = 10 * 60_000; // even the tarpit lets go eventually, so nothing piles up

/** A connection that is closed after at most `ms`, whatever the peer does. */
function bounded(socket, ms = MAX_CONNECTION_MS) {
  socket.on('error', () => {});
  const timer = setTimeout(() => socket.destroy(), ms);
  socket.on('close', () => clearTimeout(timer));
  return socket;
}

const handlers = {
  tarpit: (socket) => {
    bounded(socket).resume(); // read and drop whatever the client sends; never write
  },
  junk: (socket) => {
    bounded(socket, 30_000).resume();
    const garbage = Buffer.concat([
      Buffer.from([0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x32, 0x4a, 0x07]),
      Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'),
      Buffer.from('2\x00\x00 not-a-banner\n'),
      Buffer.alloc(64, 0xa5),
    ]);
    socket.write(garbage);
  },
  tempfail: (socket) => {
    bounded(socket, 10_000).resume();
    socket.end(`421 4.3.2 ${fqdn('mx.tempfail')} Service not available, try again later\r\n`);
  },
  inject: (socket) => {
    bounded(socket, 60_000);
    const host = fqdn('mx.starttls-inject');
    const context = tls.createSecureContext({
      key: fs.readFileSync(path.join(certDir, 'mx.key')),
      cert: fs.readFileSync(path.join(certDir, 'mx-chain.pem')),
    });
    const session = (io, secure) => {
      let buf = '';
      const onData = (chunk) => {
        buf += chunk.toString('latin1');
        if (buf.length > 4096) return io.destroy();
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).replace(/\r$/, '');
          buf = buf.slice(nl + 1);
          const verb = line.split(' ')[0].toUpperCase();
          if (verb === 'EHLO')
            io.write(`250-${host}\r\n250-PIPELINING\r\n${secure ? '' : '250-STARTTLS\r\n'}250 8BITMIME\r\n`);
          else if (verb === 'HELO') io.write(`250 ${host}\r\n`);
          else if (verb === 'QUIT') return io.end(`221 2.0.0 Bye\r\n`);
          else if (verb === 'STARTTLS' && !secure) {
            io.removeListener('data', onData);
            // The injection: one write, two responses. Everything after the 220 must be thrown away by the client.
            io.write('220 2.0.0 Ready to start TLS\r\n250 2.0.0 injected before the TLS handshake\r\n');
            const tlsSocket = new tls.TLSSocket(io, { isServer: true, secureContext: context });
            tlsSocket.on('error', () => io.destroy());
            tlsSocket.on('secure', () => session(tlsSocket, true));
            return;
          } else io.write('502 5.5.2 Error: command not recognized\r\n');
        }
      };
      io.on('data', onData);
    };
    socket.write(`220 ${host} ESMTP\r\n`);
    session(socket, false);
  },
};

const listeners = [
  ['tarpit', addr.smtpTarpit],
  ['junk', addr.smtpJunk],
  ['tempfail', addr.smtpTempfail],
  ['inject', addr.smtpInject],
];
const servers = listeners.map(([kind, ip]) => {
  const server = net.createServer(handlers[kind]);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(25, ip, () => resolve(server));
  });
});
Promise.all(servers).then(
  (list) => {
    fs.writeFileSync(pidFile, `${process.pid}\n`);
    console.log(`hostile-smtp: ${listeners.map(([k, ip]) => `${k} ${ip}:25`).join(', ')}`);
    for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
    return list;
  },
  (err) => {
    console.error(`hostile-smtp: ${err.message}`);
    process.exit(1);
  },
);
