// The bed's OpenPGP identities and where each key is published: WKD (advanced and direct method), DNS OPENPGPKEY
// (signed zone and the unsigned child), and a keys.openpgp.org-style VKS. gen-keys.js makes the keys (GnuPG and
// Sequoia, once per run directory), gen-zone.js writes the OPENPGPKEY records, key-routes.js fills the HTTPS routes
// that https-routes.js declares, and key-cases.json names the verdict each address must get.
'use strict';

const { fqdn } = require('./layout.js');

/** Key domains, relative to the zone apex. */
const domains = {
  wkd: 'wkd', // advanced method: openpgpkey.wkd.sendguard.test serves the directory
  direct: 'wkd-direct', // no openpgpkey.wkd-direct in DNS: the direct method on the domain itself
  noFallback: 'wkd-404', // openpgpkey.wkd-404 exists and answers 404; the domain itself serves a key (not to be used)
  dns: 'pgpdns', // OPENPGPKEY records in the DNSSEC-signed zone
  dnsInsecure: 'pgpdns.insecure', // OPENPGPKEY records in the unsigned child zone
  vks: 'vks', // keys only on the VKS
};
const at = (local, domain) => `${local}@${fqdn(domains[domain])}`;

/** The VKS host (keys.openpgp.org API); lookups get `https://keys.sendguard.test` as their VKS base URL. */
const VKS_HOST = fqdn('keys');

/**
 * Keys. `tool`: gpg or sq. `uids`: user IDs. gpg: `algo`/`usage` for --quick-gen-key and `sub` for the encryption
 * subkey ('' = none); `expired`: made in 2020 with a 2021 expiry (GnuPG's clock override, Sequoia's
 * --creation-time); `revoked`: the revocation certificate GnuPG writes at generation, imported. sq: `suite`
 * (default cv25519), `cannotEncrypt`.
 */
const keys = [
  { name: 'alice', tool: 'gpg', uids: [`Alice <${at('alice', 'wkd')}>`], algo: 'rsa3072', sub: 'rsa3072' },
  { name: 'bob', tool: 'gpg', uids: [`Bob <${at('bob', 'wkd')}>`], algo: 'ed25519', sub: 'cv25519' },
  {
    name: 'erin',
    tool: 'gpg',
    uids: [`Erin <${at('erin', 'wkd')}>`],
    algo: 'ed25519',
    sub: 'cv25519',
    expired: true,
  },
  {
    name: 'rick',
    tool: 'gpg',
    uids: [`Rick <${at('rick', 'wkd')}>`],
    algo: 'ed25519',
    sub: 'cv25519',
    revoked: true,
  },
  { name: 'sid', tool: 'gpg', uids: [`Sid <${at('sid', 'wkd')}>`], algo: 'ed25519', sub: '' },
  // Same local part as the address it is served for, other domain: the WKD hash matches, the user ID does not.
  {
    name: 'mallory',
    tool: 'gpg',
    uids: ['Mallory <mallory@elsewhere.example>'],
    algo: 'ed25519',
    sub: 'cv25519',
  },
  {
    name: 'carol',
    tool: 'gpg',
    uids: [`Carol <${at('carol', 'wkd')}>`, `Carol <${at('carol', 'dns')}>`],
    algo: 'ed25519',
    sub: 'cv25519',
  },
  { name: 'joe', tool: 'gpg', uids: [`Joe Doe <${at('Joe.Doe', 'wkd')}>`], algo: 'ed25519', sub: 'cv25519' },
  { name: 'dave', tool: 'gpg', uids: [`Dave <${at('dave', 'wkd')}>`], algo: 'dsa2048', sub: 'elg2048' },
  { name: 'wes', tool: 'gpg', uids: [`Wes <${at('wes', 'wkd')}>`], algo: 'rsa1024', sub: 'rsa1024' },
  { name: 'mia', tool: 'gpg', uids: [`Mia <${at('mia', 'wkd')}>`], algo: 'ed25519', sub: 'cv25519' },
  { name: 'mia-other', tool: 'gpg', uids: ['Mia <mia@elsewhere.example>'], algo: 'ed25519', sub: 'cv25519' },
  { name: 'olga', tool: 'gpg', uids: [`Olga <${at('olga', 'wkd')}>`], algo: 'ed25519', sub: 'cv25519' },
  { name: 'pat', tool: 'gpg', uids: [`Pat <${at('pat', 'wkd')}>`], algo: 'ed25519', sub: 'cv25519' },
  {
    name: 'pat-dns',
    tool: 'gpg',
    uids: [`Pat (DNS) <${at('pat', 'wkd')}>`],
    algo: 'ed25519',
    sub: 'cv25519',
  },
  { name: 'sam', tool: 'sq', uids: [`Sam <${at('sam', 'wkd')}>`] },
  { name: 'rita', tool: 'sq', uids: [`Rita <${at('rita', 'wkd')}>`], suite: 'rsa3k' },
  { name: 'sol', tool: 'sq', uids: [`Sol <${at('sol', 'wkd')}>`], cannotEncrypt: true },
  { name: 'ezra', tool: 'sq', uids: [`Ezra <${at('ezra', 'wkd')}>`], expired: true },
  { name: 'dora', tool: 'gpg', uids: [`Dora <${at('dora', 'direct')}>`], algo: 'ed25519', sub: 'cv25519' },
  { name: 'fay', tool: 'gpg', uids: [`Fay <${at('fay', 'noFallback')}>`], algo: 'ed25519', sub: 'cv25519' },
  { name: 'dana', tool: 'gpg', uids: [`Dana <${at('dana', 'dns')}>`], algo: 'ed25519', sub: 'cv25519' },
  { name: 'ron', tool: 'sq', uids: [`Ron <${at('ron', 'dns')}>`], suite: 'rsa3k' },
  { name: 'lee', tool: 'gpg', uids: [`Lee <${at('Lee.Case', 'dns')}>`], algo: 'ed25519', sub: 'cv25519' },
  {
    name: 'rex',
    tool: 'gpg',
    uids: [`Rex <${at('rex', 'dns')}>`],
    algo: 'ed25519',
    sub: 'cv25519',
    revoked: true,
  },
  {
    name: 'ines',
    tool: 'gpg',
    uids: [`Ines <${at('ines', 'dnsInsecure')}>`],
    algo: 'ed25519',
    sub: 'cv25519',
  },
  { name: 'vera', tool: 'sq', uids: [`Vera <${at('vera', 'vks')}>`] },
  { name: 'victor', tool: 'gpg', uids: [`Victor <${at('victor', 'vks')}>`], algo: 'ed25519', sub: 'cv25519' },
  { name: 'pia', tool: 'gpg', uids: [`Pia <${at('pia', 'vks')}>`], algo: 'ed25519', sub: 'cv25519' },
];

/**
 * WKD publications. `install`: laid out by `gpg-wks-client --install-key` for that user ID (GnuPG's own tool);
 * `hashOf`: placed by hand under GnuPG's `--with-wkd-hash` name of that address (for keys the tool refuses, as it
 * installs only keys carrying the user ID); `body`: `concat` (the keys back to back, armored), `junk`, `oversize`
 * (a valid armored key padded past WKD's 256 KiB bound), `unavailable` (served as HTTP 503). `method`: which URL layout serves it.
 */
const wkd = [
  ...['alice', 'bob', 'erin', 'rick', 'sid', 'dave', 'wes', 'pat', 'sam', 'rita', 'sol', 'ezra'].map(
    (name) => ({
      key: name,
      install: keys.find((k) => k.name === name).uids[0].replace(/^.*<|>$/g, ''),
    }),
  ),
  { key: 'carol', install: at('carol', 'wkd') },
  { key: 'joe', install: at('Joe.Doe', 'wkd') },
  { key: 'mallory', hashOf: at('mallory', 'wkd') },
  { keys: ['mia-other', 'mia'], body: 'concat', hashOf: at('mia', 'wkd') },
  { body: 'junk', hashOf: at('junk', 'wkd') },
  { key: 'olga', body: 'oversize', hashOf: at('olga', 'wkd') },
  // The directory is there but fails (HTTP 503): no answer, so the lookup is `unknown`.
  { body: 'unavailable', hashOf: at('ursula', 'wkd') },
  { key: 'dora', install: at('dora', 'direct') },
  // Served by the bare domain's direct-method path only; openpgpkey.wkd-404 answers 404 for it.
  { key: 'fay', install: at('fay', 'noFallback'), method: 'direct' },
];

/** OPENPGPKEY records (RFC 7929): owner from the address's local part as written. `junk`: random bytes. */
const dns = [
  { key: 'carol', address: at('carol', 'dns') },
  { key: 'dana', address: at('dana', 'dns') },
  { key: 'ron', address: at('ron', 'dns') },
  { key: 'lee', address: at('Lee.Case', 'dns') },
  { key: 'rex', address: at('rex', 'dns') },
  { key: 'ines', address: at('ines', 'dnsInsecure') },
  { key: 'pat-dns', address: at('pat', 'wkd') },
  { junk: true, address: at('junk', 'dns') },
];

/**
 * VKS publications: by e-mail and by fingerprint. `strip`: user IDs removed, as keys.openpgp.org serves a key
 * whose addresses were not confirmed; `byEmail: false`: found by fingerprint only (unconfirmed address).
 */
const vks = [
  { key: 'vera', address: at('vera', 'vks') },
  { key: 'victor', address: at('victor', 'vks'), strip: true },
  { key: 'pia', address: at('pia', 'vks'), strip: true, byEmail: false },
];

/** HTTPS hosts of the key cases (all on the bed's HTTPS address, `web` certificate). */
function keyHosts() {
  return [
    `openpgpkey.${fqdn(domains.wkd)}`,
    fqdn(domains.direct),
    `openpgpkey.${fqdn(domains.noFallback)}`,
    fqdn(domains.noFallback),
    // Key domains with a web server but no key directory: the direct method gets a 404, i.e. "no key here".
    fqdn(domains.dns),
    fqdn(domains.dnsInsecure),
    fqdn(domains.vks),
    VKS_HOST,
  ];
}

module.exports = { domains, keys, wkd, dns, vks, VKS_HOST, keyHosts, at };
