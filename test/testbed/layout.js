// The test bed's one source of truth: which 127.x address plays which host, which certificate each host shows,
// and the DNS records of every case. up.sh, the zone generator, the HTTPS and hostile-SMTP servers and the smoke
// test all read this file, so an address or a name is written down exactly once.
'use strict';

const ZONE = 'sendguard.test';

// Every listener gets its own loopback address (127.0.0.0/8 is routed to `lo` as a whole on Linux, so no interface
// set-up is needed). 127.53.* is DNS, 127.25.* SMTP, 127.44.* HTTPS.
const addr = {
  resolver: '127.53.0.1', // unbound, validating, port 53 (posttls-finger reaches it through resolv.conf)
  authoritative: '127.53.0.2', // nsd, serves the signed zone and both child zones
  // Postfix: one smtpd per TLS behaviour
  smtpGood: '127.25.0.10', // certificate from the test CA, full chain (leaf + CA, so DANE-TA 2 0 1 works)
  smtpSelfSigned: '127.25.0.11',
  smtpExpired: '127.25.0.12',
  smtpWrongName: '127.25.0.13',
  smtpPlain: '127.25.0.14', // no STARTTLS
  smtpLegacy: '127.25.0.15', // TLS 1.0 / 1.1 only
  smtpCnOnly: '127.25.0.16', // CA-signed, name only in the subject CN, no subjectAltName
  // Node: hostile SMTP peers
  smtpTarpit: '127.25.1.1',
  smtpJunk: '127.25.1.2',
  smtpInject: '127.25.1.3',
  smtpTempfail: '127.25.1.4',
  // Node: HTTPS for every mta-sts.<domain> host (certificate chosen by SNI)
  https: '127.44.3.1',
};

/** Postfix smtpd services: address, certificate name (see `certs`) or null for no STARTTLS, extra -o overrides. */
const postfixServices = [
  { name: 'good', ip: addr.smtpGood, cert: 'mx' },
  { name: 'selfsigned', ip: addr.smtpSelfSigned, cert: 'selfsigned' },
  { name: 'expired', ip: addr.smtpExpired, cert: 'expired' },
  { name: 'wrongname', ip: addr.smtpWrongName, cert: 'wrongname' },
  { name: 'plain', ip: addr.smtpPlain, cert: null },
  { name: 'legacy', ip: addr.smtpLegacy, cert: 'mx', legacy: true },
  { name: 'cnonly', ip: addr.smtpCnOnly, cert: 'cnonly' },
];

const fqdn = (label) => (label === '@' ? `${ZONE}` : `${label}.${ZONE}`);

/**
 * Records per case, relative to the zone apex (`@` is the apex itself). Values in `{...}` are filled in by
 * gen-zone.js once the keys exist: {mxSpki} = SHA-256 of the good MX key's SPKI, {caCert} = SHA-256 of the CA
 * certificate, {stsId} = a policy id. `sts` names the HTTPS route kind (see https-routes.js).
 */
const STS_TXT = 'v=STSv1; id={stsId}';
const RPT_TXT = (d) => `v=TLSRPTv1; rua=mailto:tlsrpt@${d}`;
const caseRecords = [
  // DANE
  {
    name: 'dane-ee',
    mx: [[10, 'mx.dane-ee', addr.smtpGood]],
    tlsa: { 'mx.dane-ee': '3 1 1 {mxSpki}' },
    tlsRpt: true,
  },
  { name: 'dane-ta', mx: [[10, 'mx.dane-ta', addr.smtpGood]], tlsa: { 'mx.dane-ta': '2 0 1 {caCert}' } },
  {
    name: 'dane-mismatch',
    mx: [[10, 'mx.dane-mismatch', addr.smtpGood]],
    tlsa: { 'mx.dane-mismatch': '3 1 1 {nothing}' },
  },
  // MTA-STS
  { name: 'sts-enforce', mx: [[10, 'mx.sts-enforce', addr.smtpGood]], sts: 'enforce', tlsRpt: true },
  { name: 'sts-wildcard', mx: [[10, 'mx1.sts-wildcard', addr.smtpGood]], sts: 'wildcard' },
  { name: 'sts-testing', mx: [[10, 'mx.sts-testing', addr.smtpGood]], sts: 'testing' },
  { name: 'sts-none', mx: [[10, 'mx.sts-none', addr.smtpGood]], sts: 'none' },
  { name: 'sts-mx-mismatch', mx: [[10, 'mx.sts-mx-mismatch', addr.smtpGood]], sts: 'mx-mismatch' },
  { name: 'sts-mx-badcert', mx: [[10, 'mx.sts-mx-badcert', addr.smtpWrongName]], sts: 'enforce' },
  { name: 'sts-redirect', mx: [[10, 'mx.sts-redirect', addr.smtpGood]], sts: 'redirect' },
  { name: 'sts-content-type', mx: [[10, 'mx.sts-content-type', addr.smtpGood]], sts: 'content-type' },
  { name: 'sts-oversize', mx: [[10, 'mx.sts-oversize', addr.smtpGood]], sts: 'oversize' },
  { name: 'sts-host-badcert', mx: [[10, 'mx.sts-host-badcert', addr.smtpGood]], sts: 'enforce' },
  { name: 'sts-host-wrongname', mx: [[10, 'mx.sts-host-wrongname', addr.smtpGood]], sts: 'enforce' },
  { name: 'sts-no-host', mx: [[10, 'mx.sts-no-host', addr.smtpGood]], sts: 'enforce', stsHost: false },
  // Plain STARTTLS, no authenticating policy
  { name: 'tls-valid', mx: [[10, 'mx.tls-valid', addr.smtpGood]] },
  { name: 'tls-selfsigned', mx: [[10, 'mx.tls-selfsigned', addr.smtpSelfSigned]] },
  { name: 'tls-expired', mx: [[10, 'mx.tls-expired', addr.smtpExpired]] },
  { name: 'tls-wrongname', mx: [[10, 'mx.tls-wrongname', addr.smtpWrongName]] },
  { name: 'tls-cn-only', mx: [[10, 'mx.tls-cn-only', addr.smtpCnOnly]] },
  { name: 'no-starttls', mx: [[10, 'mx.no-starttls', addr.smtpPlain]] },
  { name: 'legacy-tls', mx: [[10, 'mx.legacy-tls', addr.smtpLegacy]] },
  {
    name: 'partial',
    mx: [
      [10, 'mx1.partial', addr.smtpGood],
      [20, 'mx2.partial', addr.smtpPlain],
    ],
  },
  { name: 'mailbox', mx: [[10, 'mx.mailbox', addr.smtpGood]] },
  // MX target reached through a CNAME chain (RFC 5321 §5.1 forbids it; real resolvers follow it anyway)
  {
    name: 'cname-mx',
    mx: [[10, 'mx.cname-mx', null]],
    cname: { 'mx.cname-mx': 'alias1.cname-mx', 'alias1.cname-mx': 'alias2.cname-mx' },
    a: { 'alias2.cname-mx': addr.smtpGood },
  },
  // No mail
  { name: 'null-mx', nullMx: true },
  { name: 'no-address', txt: ['v=spf1 -all'] },
  { name: 'implicit-mx', a: { 'implicit-mx': addr.smtpGood } },
  // Unreachable or hostile
  { name: 'tarpit', mx: [[10, 'mx.tarpit', addr.smtpTarpit]] },
  { name: 'junk', mx: [[10, 'mx.junk', addr.smtpJunk]] },
  { name: 'tempfail', mx: [[10, 'mx.tempfail', addr.smtpTempfail]] },
  { name: 'starttls-inject', mx: [[10, 'mx.starttls-inject', addr.smtpInject]] },
  // DNS that cannot be trusted: a child zone served unsigned, and a signed child whose signatures expired
  {
    name: 'dane-insecure.insecure',
    mx: [[10, 'mx.dane-insecure.insecure', addr.smtpGood]],
    tlsa: { 'mx.dane-insecure.insecure': '3 1 1 {mxSpki}' },
  },
  { name: 'bogus', mx: [[10, 'mx.bogus', addr.smtpGood]], tlsa: { 'mx.bogus': '3 1 1 {mxSpki}' } },
];

/** Delegated child zones (served by the same nsd). `signed: 'expired'` makes every signature stale → bogus. */
const childZones = [
  { name: 'insecure', signed: false },
  { name: 'bogus', signed: 'expired' },
];

const usesMxCert = (ip) => [addr.smtpGood, addr.smtpInject, addr.smtpLegacy].includes(ip);

/**
 * Leaf certificates. `ca: false` = self-signed. Names are DNS names put into subjectAltName (the first is also
 * the subject CN); `cnOnly` leaves the SAN out; `expired` dates the certificate in 2020.
 */
function certs() {
  const mxNames = [];
  for (const c of caseRecords) {
    // Every name that leads to a host showing this certificate, CNAME aliases included, so that only the cases
    // meant to have a name mismatch have one.
    for (const [, host, ip] of c.mx || []) if (ip === null || usesMxCert(ip)) mxNames.push(fqdn(host));
    for (const host of Object.keys(c.cname || {})) mxNames.push(fqdn(host));
    for (const [host, ip] of Object.entries(c.a || {})) if (usesMxCert(ip)) mxNames.push(fqdn(host));
  }
  // Required here, not at the top: https-routes.js itself builds on this file.
  const { routes } = require('./https-routes.js');
  const webNames = [...routes].filter(([, r]) => r.cert === 'web').map(([host]) => host);
  return {
    mx: { names: [...new Set([`mx.${ZONE}`, ...mxNames])] },
    web: { names: webNames },
    selfsigned: { names: [fqdn('mx.tls-selfsigned'), fqdn('mta-sts.sts-host-badcert')], ca: false },
    expired: { names: [fqdn('mx.tls-expired')], expired: true },
    wrongname: { names: ['wrong-name.example.net'] },
    cnonly: { names: [fqdn('mx.tls-cn-only')], cnOnly: true },
  };
}

/** The mta-sts.<domain> hosts: which HTTPS route kind and which certificate each one serves. */
function stsHosts() {
  return caseRecords
    .filter((c) => c.sts && c.stsHost !== false)
    .map((c) => ({
      domain: fqdn(c.name),
      host: fqdn(`mta-sts.${c.name}`),
      kind: c.sts,
      mx: (c.mx || []).map(([, h]) => fqdn(h)),
      cert:
        c.name === 'sts-host-badcert' ? 'selfsigned' : c.name === 'sts-host-wrongname' ? 'wrongname' : 'web',
    }));
}

module.exports = {
  ZONE,
  addr,
  postfixServices,
  caseRecords,
  childZones,
  certs,
  stsHosts,
  fqdn,
  STS_TXT,
  RPT_TXT,
};
