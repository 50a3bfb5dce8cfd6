// Fails early, with a message a person can act on, when an address the bed needs is already taken — most often by
// a system Postfix or nsd that listens on the wildcard address (0.0.0.0:25 or :53), which on Linux blocks every
// 127.x.y.z on that port. Usage: node preflight.js  (exit 1 and a list of conflicts on stderr)
'use strict';

const net = require('node:net');
const dgram = require('node:dgram');
const { addr, postfixServices, dovecotInstances, MAIL_PORTS } = require('./layout.js');

const tcp = [
  [addr.resolver, 53],
  [addr.authoritative, 53],
  ...postfixServices.map((s) => [s.ip, 25]),
  [addr.smtpTarpit, 25],
  [addr.smtpJunk, 25],
  [addr.smtpInject, 25],
  [addr.smtpTempfail, 25],
  [addr.https, 443],
  [addr.dnsStall, 53],
  [addr.httpsStall, 443],
  ...dovecotInstances.flatMap((d) => d.services.map((s) => [d.ip, MAIL_PORTS[s]])),
];
const udp = [
  [addr.resolver, 53],
  [addr.authoritative, 53],
  [addr.dnsStall, 53],
];

const tryTcp = ([host, port]) =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', (e) => resolve(`tcp ${host}:${port}: ${e.code}`));
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(null)));
  });
const tryUdp = ([host, port]) =>
  new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', (e) => resolve(`udp ${host}:${port}: ${e.code}`));
    s.bind({ address: host, port, exclusive: true }, () => s.close(() => resolve(null)));
  });

Promise.all([...tcp.map(tryTcp), ...udp.map(tryUdp)]).then((results) => {
  const conflicts = results.filter(Boolean);
  if (conflicts.length === 0) return;
  console.error(
    `testbed: these addresses are taken:\n  ${conflicts.join('\n  ')}\n` +
      "A system service listening on all addresses (e.g. Debian's postfix with inet_interfaces = all, nsd, or dovecot)\n" +
      'blocks them: stop it (`postfix stop`, `kill $(cat /run/nsd/nsd.pid)`, `doveadm stop`) or limit it to 127.0.0.1,\n' +
      'then retry.\n' +
      'If an earlier test bed is still running from another run directory, run its down.sh.',
  );
  process.exitCode = 1;
});
