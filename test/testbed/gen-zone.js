// Writes the unsigned zone files for the test zone and its child zones from layout.js. up.sh signs them
// afterwards with ldns-signzone. Usage: node gen-zone.js RUN_DIR
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { Buffer } = require('node:buffer');
const {
  ZONE,
  addr,
  zoneRecords,
  childZones,
  stsHosts,
  autoconfigHosts,
  STS_TXT,
  RPT_TXT,
  fqdn,
} = require('./layout.js');
const { keyHosts } = require('./key-layout.js');

const runDir = path.resolve(process.argv[2] || path.join(__dirname, 'run'));
const dnsDir = path.join(runDir, 'dns');
const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const readCert = (name) =>
  new crypto.X509Certificate(fs.readFileSync(path.join(runDir, 'certs', `${name}.pem`)));

const values = {
  mxSpki: sha256(readCert('mx').publicKey.export({ type: 'spki', format: 'der' })),
  caCert: sha256(readCert('ca').raw),
  nothing: sha256(Buffer.from('matches no certificate in the test bed')),
  // A policy id must change whenever the policy does; the policies are fixed, so a fixed id is honest.
  stsId: '20240101T000000',
};
const fill = (s) => s.replace(/\{(\w+)\}/g, (_, k) => values[k]);

const TTL = 300;
const soa = (origin, serial) =>
  `$ORIGIN ${origin}.\n$TTL ${TTL}\n@ SOA ns.${ZONE}. hostmaster.${ZONE}. ${serial} 3600 600 86400 60\n`;

/** Zone-file lines for one name, relative to `origin`. */
function rr(owner, origin, type, data) {
  const full = fqdn(owner);
  const rel = full === origin ? '@' : full.slice(0, -(origin.length + 1));
  return `${rel} ${type} ${data}`;
}

/** The zone a name belongs to: the most specific child zone containing it, else the test zone. */
function zoneOf(name) {
  const full = fqdn(name);
  for (const child of childZones) {
    const z = fqdn(child.name);
    if (full === z || full.endsWith(`.${z}`)) return z;
  }
  return ZONE;
}

function build(serial) {
  const zones = new Map([[ZONE, []]]);
  for (const c of childZones) zones.set(fqdn(c.name), []);
  const add = (owner, type, data) => {
    const z = zoneOf(owner);
    zones.get(z).push(rr(owner, z, type, data));
  };
  const quote = (s) => `"${s}"`;

  add('@', 'NS', `ns.${ZONE}.`);
  add('ns', 'A', addr.authoritative);
  // Both children are served by the same nsd. No DS for `insecure` (an insecure delegation); the DS of `bogus`
  // is added below from its key, so a validator expects signatures it will find stale.
  for (const c of childZones) {
    zones.get(ZONE).push(rr(c.name, ZONE, 'NS', `ns.${ZONE}.`));
    zones.get(fqdn(c.name)).push(rr(c.name, fqdn(c.name), 'NS', `ns.${ZONE}.`));
    if (c.signed) {
      const ds = fs
        .readFileSync(path.join(dnsDir, `${fqdn(c.name)}.ds`), 'utf8')
        .trim()
        .split(/\s+/);
      zones.get(ZONE).push(rr(c.name, ZONE, 'DS', ds.slice(ds.indexOf('DS') + 1).join(' ')));
    }
  }
  add('mx', 'A', addr.smtpGood); // mx.sendguard.test: a generic good MX for ad-hoc tests
  add('mta-sts', 'A', addr.https);

  for (const c of zoneRecords) {
    if (c.nullMx) add(c.name, 'MX', '0 .');
    // An MX host outside the zone (a hosted provider's): the name only, nothing here answers for it.
    for (const [pref, host] of c.mxAbsolute || []) add(c.name, 'MX', `${pref} ${host}`);
    for (const [pref, host, ip] of c.mx || []) {
      add(c.name, 'MX', `${pref} ${fqdn(host)}.`);
      if (ip) add(host, 'A', ip);
    }
    for (const [from, to] of Object.entries(c.cname || {})) add(from, 'CNAME', `${fqdn(to)}.`);
    for (const [host, ips] of Object.entries(c.a || {})) for (const ip of [].concat(ips)) add(host, 'A', ip);
    for (const [host, data] of Object.entries(c.tlsa || {}))
      for (const one of [].concat(data)) add(`_25._tcp.${host}`, 'TLSA', fill(one));
    for (const t of c.txt || []) add(c.name, 'TXT', quote(t));
    // One record of many strings, one per line: zone-file lines stay short whatever the record's size.
    for (const [owner, strings] of Object.entries(c.txtAt || {}))
      add(owner, 'TXT', `(\n  ${strings.map(quote).join('\n  ')} )`);
    if (c.tlsRpt) add(`_smtp._tls.${c.name}`, 'TXT', quote(RPT_TXT(fqdn(c.name))));
    if (c.sts) add(`_mta-sts.${c.name}`, 'TXT', quote(fill(STS_TXT)));
    // RFC 6186 / RFC 2782: priority 0, weight 1; a null target is ".", port 0 ("not offered here").
    for (const [owner, target] of Object.entries(c.srv || {}))
      add(owner, 'SRV', target ? `0 1 ${target[1]} ${fqdn(target[0])}.` : '0 0 0 .');
  }
  for (const h of stsHosts()) add(h.host.slice(0, -(ZONE.length + 1)), 'A', h.address);
  for (const host of keyHosts()) add(host.slice(0, -(ZONE.length + 1)), 'A', addr.https);
  for (const h of autoconfigHosts()) add(h.host.slice(0, -(ZONE.length + 1)), 'A', addr.https);
  // RFC 7929 OPENPGPKEY (type 61) in RFC 3597 generic form, which nsd and ldns-signzone both read whatever
  // their own support for the mnemonic.
  const { records } = JSON.parse(fs.readFileSync(path.join(runDir, 'keys', 'keys.json'), 'utf8'));
  // Hex in parenthesised 64-digit chunks: an RSA key's record is several KB, longer than a zone-file line may be.
  for (const r of records) {
    const chunks = r.hex.match(/.{1,64}/g).join('\n  ');
    add(r.owner.slice(0, -(ZONE.length + 1)), 'TYPE61', `\\# ${r.hex.length / 2} (\n  ${chunks} )`);
  }

  for (const [z, lines] of zones) {
    const body = soa(z, serial) + [...new Set(lines)].join('\n') + '\n';
    fs.writeFileSync(path.join(dnsDir, `${z}.zone`), body);
  }
}

build(Math.floor(Date.now() / 1000));
