// The test bed's one source of truth: which 127.x address plays which host, which certificate each host shows,
// and the DNS records of every case. up.sh, the zone generator, the HTTPS and hostile-SMTP servers and the smoke
// test all read this file, so an address or a name is written down exactly once.
'use strict';

const ZONE = 'sendguard.test';

// Every listener gets its own loopback address (127.0.0.0/8 is routed to `lo` as a whole on Linux, so no interface
// set-up is needed). 127.53.* is DNS, 127.25.* SMTP, 127.44.* HTTPS, 127.143.* mailbox access (Dovecot).
//
// SENDGUARD_TESTBED_SHIFT=N (0-150) adds N to the third octet of every address, so a second bed (another run
// directory: a test of up.sh itself, a second checkout) can run beside this one without taking its addresses.
const SHIFT = Number(process.env.SENDGUARD_TESTBED_SHIFT || 0);
if (!Number.isInteger(SHIFT) || SHIFT < 0 || SHIFT > 150)
  throw new Error(`SENDGUARD_TESTBED_SHIFT must be a whole number from 0 to 150, not "${SHIFT}"`);
const at = (a, b, c, d) => `${a}.${b}.${c + SHIFT}.${d}`;
const addr = {
  resolver: at(127, 53, 0, 1), // unbound, validating, port 53 (posttls-finger reaches it through resolv.conf)
  authoritative: at(127, 53, 0, 2), // nsd, serves the signed zone and both child zones
  // Postfix: one smtpd per TLS behaviour
  smtpGood: at(127, 25, 0, 10), // certificate from the test CA, full chain (leaf + CA, so DANE-TA 2 0 1 works)
  smtpSelfSigned: at(127, 25, 0, 11),
  smtpExpired: at(127, 25, 0, 12),
  smtpWrongName: at(127, 25, 0, 13),
  smtpPlain: at(127, 25, 0, 14), // no STARTTLS
  smtpLegacy: at(127, 25, 0, 15), // TLS 1.0 / 1.1 only
  smtpCnOnly: at(127, 25, 0, 16), // CA-signed, name only in the subject CN, no subjectAltName
  // Node: hostile SMTP peers
  smtpTarpit: at(127, 25, 1, 1),
  smtpJunk: at(127, 25, 1, 2),
  smtpInject: at(127, 25, 1, 3),
  smtpTempfail: at(127, 25, 1, 4),
  // Node: HTTPS for every mta-sts.<domain> host (certificate chosen by SNI)
  https: at(127, 44, 3, 1),
  // Node: peers that accept and then never answer (stall-hosts.js): a DNS server (UDP and TCP) and an HTTPS host
  // that completes the TLS handshake and never answers the request.
  dnsStall: at(127, 53, 0, 3),
  httpsStall: at(127, 44, 3, 2),
  // Dovecot: one instance per way a provider can let its users reach their mailbox (dovecotInstances below)
  mbxTlsOnly: at(127, 143, 0, 1),
  mbxTlsOffered: at(127, 143, 0, 2),
  mbxPlaintext: at(127, 143, 0, 3),
  mbxExpired: at(127, 143, 0, 4),
  // Nothing listens here: a mailbox host whose connections are refused at once.
  mbxRefused: at(127, 143, 0, 9),
};

/**
 * A block where nothing listens: connections are refused at once. An MX host with hundreds of addresses here
 * tests the prober's caps without making anything wait.
 */
const refusedBlock = (count) =>
  Array.from({ length: count }, (_, i) => at(127, 25, 2 + Math.floor(i / 254), 1 + (i % 254)));

/** TXT data of about 58 KB as many strings (RFC 1035 §3.3.14: at most 255 octets each) after a real prefix. */
const hugeTxt = (prefix) => [prefix, ...Array.from({ length: 230 }, () => '; '.repeat(125))];

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

// --- Mailbox access ------------------------------------------------------------------------------------------------
// RFC 6186 service labels (also Dovecot's listener names) and their ports.
const MAIL_PORTS = { imaps: 993, imap: 143, pop3s: 995, pop3: 110, submissions: 465, submission: 587 };
/** The services that start with TLS (RFC 8314); the others start in plaintext and offer STARTTLS/STLS, or not. */
const IMPLICIT_TLS_SERVICES = ['imaps', 'pop3s', 'submissions'];
const ALL_MAIL_SERVICES = Object.keys(MAIL_PORTS);

/**
 * Dovecot instances (dovecot-conf.js writes their configuration, up.sh starts them): what each one serves and how
 * it treats a login before TLS. `cert` names a certificate in `certs()`; its names are every host name the zone
 * points at the instance's address. `tls: 'required'` = Dovecot's ssl=required (no login of any kind before TLS;
 * IMAP says LOGINDISABLED), `'offered'` = ssl=yes with plaintext logins allowed before STARTTLS, `'none'` = ssl=no.
 */
const dovecotInstances = [
  {
    name: 'tls-only',
    ip: addr.mbxTlsOnly,
    cert: 'mbx-tls-only',
    tls: 'required',
    services: ALL_MAIL_SERVICES,
  },
  {
    name: 'tls-offered',
    ip: addr.mbxTlsOffered,
    cert: 'mbx-tls-offered',
    tls: 'offered',
    services: ['imap', 'pop3', 'submission'],
  },
  { name: 'plaintext', ip: addr.mbxPlaintext, cert: null, tls: 'none', services: ['imap', 'pop3'] },
  {
    name: 'expired',
    ip: addr.mbxExpired,
    cert: 'mbx-expired',
    certExpired: true,
    tls: 'required',
    services: ['imaps', 'imap'],
  },
];
/** The one mailbox user every instance knows (a passwd-file under the run directory), for tests that log in. */
const mailboxLogin = { user: 'bed-user', password: 'bed-password' };
const dovecotAt = (ip) => dovecotInstances.find((d) => d.ip === ip);

/** The host a provider would name for a service: imap.<domain>, pop.<domain>, smtp.<domain>. */
const mailHost = (service, domain) =>
  `${{ imap: 'imap', pop3: 'pop', submission: 'smtp' }[service.replace(/s$/, '')]}.${domain}`;

/**
 * Records of a mailbox-access case: an MX at the good Postfix (so the domain takes mail like any other) and, per
 * [address, services] pair, an SRV record for each service to its host at that address. An address without a
 * Dovecot instance serves every service asked of it (that is, none: connections are refused).
 */
function mailboxCase(name, endpoints, extra = {}) {
  const srv = {};
  const a = {};
  for (const [ip, services] of endpoints) {
    for (const service of services) {
      srv[`_${service}._tcp.${name}`] = [mailHost(service, name), MAIL_PORTS[service]];
      a[mailHost(service, name)] = ip;
    }
  }
  return { name, mx: [[10, `mx.${name}`, addr.smtpGood]], srv, ...extra, a: { ...a, ...extra.a } };
}
const servedBy = (ip) => [ip, dovecotAt(ip).services];

/** A Thunderbird autoconfig entry (config-v1.1.xml): protocol, host relative to the zone, port, socketType. */
const entry = (type, host, port, socketType) => ({ type, host: fqdn(host), port, socketType });

const mailboxRecords = [
  mailboxCase('mbx-tls-only', [servedBy(addr.mbxTlsOnly)]),
  mailboxCase('mbx-tls-offered', [servedBy(addr.mbxTlsOffered)]),
  mailboxCase('mbx-plaintext', [servedBy(addr.mbxPlaintext)]),
  mailboxCase('mbx-expired', [servedBy(addr.mbxExpired)]),
  // IMAP over TLS and a submission server at the tls-only instance, known only from autoconfig.<domain>.
  mailboxCase('mbx-autoconfig', [], {
    a: { 'imap.mbx-autoconfig': addr.mbxTlsOnly, 'smtp.mbx-autoconfig': addr.mbxTlsOnly },
    autoconfig: {
      at: 'autoconfig',
      incoming: [entry('imap', 'imap.mbx-autoconfig', 993, 'SSL')],
      outgoing: [entry('smtp', 'smtp.mbx-autoconfig', 587, 'STARTTLS')],
    },
  }),
  // Known only from the domain's own /.well-known/autoconfig/: IMAP over TLS, and POP3 the file itself says is
  // plain, at the plaintext instance.
  mailboxCase('mbx-wellknown', [], {
    a: { 'imap.mbx-wellknown': addr.mbxTlsOnly, 'pop.mbx-wellknown': addr.mbxPlaintext },
    autoconfig: {
      at: 'well-known',
      incoming: [
        entry('imap', 'imap.mbx-wellknown', 993, 'SSL'),
        entry('pop3', 'pop.mbx-wellknown', 110, 'plain'),
      ],
      outgoing: [],
    },
  }),
  // IMAP over TLS at the tls-only instance, POP3 at the plaintext one: the worst endpoint decides.
  mailboxCase('mbx-mixed', [
    [addr.mbxTlsOnly, ['imaps']],
    [addr.mbxPlaintext, ['pop3']],
  ]),
  mailboxCase('mbx-none', []),
  // RFC 6186 §4: target "." = the service is not offered at all.
  {
    ...mailboxCase('mbx-srv-dot', []),
    srv: Object.fromEntries(ALL_MAIL_SERVICES.map((s) => [`_${s}._tcp.mbx-srv-dot`, null])),
  },
  mailboxCase('mbx-unreachable', [[addr.mbxRefused, ['imaps']]]),
  // A hosted provider recognised from its MX alone; no address of it is ever reached (nothing outside the zone is).
  { name: 'mbx-google', mxAbsolute: [[1, 'aspmx.l.google.com.']] },
];

/** The autoconfig hosts: where each mailbox case's config-v1.1.xml is served, and what it lists. */
function autoconfigHosts() {
  return mailboxRecords
    .filter((c) => c.autoconfig)
    .map((c) => {
      const { at: where, incoming, outgoing } = c.autoconfig;
      const domain = fqdn(c.name);
      return where === 'autoconfig'
        ? { domain, host: `autoconfig.${domain}`, path: '/mail/config-v1.1.xml', incoming, outgoing }
        : { domain, host: domain, path: '/.well-known/autoconfig/mail/config-v1.1.xml', incoming, outgoing };
    });
}

/** Every host name the zone gives an A record at `ip` (for the certificate of whatever listens there). */
const namesAt = (ip) =>
  zoneRecords.flatMap((c) =>
    Object.entries(c.a || {})
      .filter(([, at]) => [].concat(at).includes(ip))
      .map(([host]) => fqdn(host)),
  );

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
  // A secure MX whose TLSA RRset alone is bogus: it sits in its own signed child zone whose signatures expired.
  {
    name: 'tlsa-bogus',
    mx: [[10, 'mx.tlsa-bogus', addr.smtpGood]],
    tlsa: { 'mx.tlsa-bogus': '3 1 1 {mxSpki}' },
  },
  // Secure TLSA records an SMTP client may not use (RFC 7672 §2.2: PKIX usages, a digest of the wrong length):
  // judged as if there were none, so MTA-STS decides where it is published.
  {
    name: 'dane-unusable',
    mx: [[10, 'mx.dane-unusable', addr.smtpGood]],
    tlsa: { 'mx.dane-unusable': ['1 1 1 {mxSpki}', '3 1 1 0123456789abcdef'] },
  },
  {
    name: 'dane-unusable-sts',
    mx: [[10, 'mx.dane-unusable-sts', addr.smtpGood]],
    tlsa: { 'mx.dane-unusable-sts': ['0 0 1 {caCert}'] },
    sts: 'enforce',
  },
  // A policy host that stalls past the whole check's deadline. (The stalling DNS server is asked directly, as a
  // resolver: unbound in between writes a silent server off after a few tries and answers SERVFAIL at once.)
  {
    name: 'stall-sts',
    mx: [[10, 'mx.stall-sts', addr.smtpGood]],
    sts: 'enforce',
    stsAddress: addr.httpsStall,
  },
  // Hostile input for the parsers and the prober's caps.
  { name: 'sts-pathological', mx: [[10, 'mx.sts-pathological', addr.smtpGood]], sts: 'pathological' },
  { name: 'sts-long-lines', mx: [[10, 'mx.sts-long-lines', addr.smtpGood]], sts: 'long-lines' },
  {
    name: 'txt-huge',
    mx: [[10, 'mx.txt-huge', addr.smtpGood]],
    txtAt: { '_mta-sts.txt-huge': hugeTxt('v=STSv1;'), '_smtp._tls.txt-huge': hugeTxt('v=TLSRPTv1;') },
  },
  {
    name: 'many-addresses',
    mx: [[10, 'mx.many-addresses', null]],
    a: { 'mx.many-addresses': refusedBlock(400) },
  },
];

/** Every case the zone holds records for: the transport and key cases, then the mailbox-access ones. */
const zoneRecords = [...caseRecords, ...mailboxRecords];

/** Delegated child zones (served by the same nsd). `signed: 'expired'` makes every signature stale → bogus. */
const childZones = [
  { name: 'insecure', signed: false },
  { name: 'bogus', signed: 'expired' },
  { name: '_25._tcp.mx.tlsa-bogus', signed: 'expired' },
];

const usesMxCert = (ip) => [addr.smtpGood, addr.smtpInject, addr.smtpLegacy].includes(ip);

/**
 * Leaf certificates. `ca: false` = self-signed. Names are DNS names put into subjectAltName (the first is also
 * the subject CN); `cnOnly` leaves the SAN out; `expired` dates the certificate in 2020.
 */
function certs() {
  const mxNames = [];
  for (const c of zoneRecords) {
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
    ...Object.fromEntries(
      dovecotInstances
        .filter((d) => d.cert)
        .map((d) => [d.cert, { names: namesAt(d.ip), expired: Boolean(d.certExpired) }]),
    ),
  };
}

/** The mta-sts.<domain> hosts: which HTTPS route kind and which certificate each one serves. */
function stsHosts() {
  return caseRecords
    .filter((c) => c.sts && c.stsHost !== false)
    .map((c) => ({
      domain: fqdn(c.name),
      host: fqdn(`mta-sts.${c.name}`),
      address: c.stsAddress || addr.https,
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
  zoneRecords,
  dovecotInstances,
  mailboxLogin,
  autoconfigHosts,
  MAIL_PORTS,
  IMPLICIT_TLS_SERVICES,
  childZones,
  certs,
  stsHosts,
  fqdn,
  STS_TXT,
  RPT_TXT,
};
