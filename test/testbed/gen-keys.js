// Makes the bed's OpenPGP keys (key-layout.js) with the real implementations, GnuPG and Sequoia, in a throwaway
// GNUPGHOME, and lays out what the bed publishes: the WKD tree (by GnuPG's gpg-wks-client --install-key, or under
// its --print-wkd-hash name), the VKS documents and the OPENPGPKEY record data. Everything lands in RUN/keys and is
// re-used while key-layout.js and this file are unchanged, so only the first start-up of a run directory pays.
// Usage: node gen-keys.js RUN_DIR   (writes RUN/keys/keys.json last: its presence means the set is complete)
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { Buffer } = require('node:buffer');
const { execFileSync } = require('node:child_process');
const layout = require('./key-layout.js');

const WKS_CLIENT = '/usr/lib/gnupg/gpg-wks-client';
const runDir = path.resolve(process.argv[2] || path.join(__dirname, 'run'));
const out = path.join(runDir, 'keys');
const manifest = path.join(out, 'keys.json');

const spec = crypto
  .createHash('sha256')
  .update(JSON.stringify([layout.keys, layout.wkd, layout.dns, layout.vks]))
  .update(fs.readFileSync(path.join(__dirname, 'gen-keys.js')))
  .digest('hex');
if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).spec === spec) process.exit(0);

const started = Date.now();
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
// Short path: gpg-agent's socket lives in the home directory, and socket paths are limited to 107 bytes.
const home = fs.mkdtempSync('/tmp/sg-keys-');
fs.chmodSync(home, 0o700);
const env = { ...process.env, GNUPGHOME: home };
const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'], ...opts });
const gpg = (...args) =>
  run('gpg', ['--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args]);
const fprOf = (file) =>
  /^fpr:(?:[^:]*:){8}([0-9A-F]+):/m.exec(
    run('gpg', ['--batch', '--with-colons', '--import-options', 'show-only', '--import', file]).toString(),
  )[1];

function makeGpg(k) {
  const time = k.expired ? ['--faked-system-time', '20200101T000000!'] : [];
  const expiry = k.expired ? '2021-01-01' : 'never';
  gpg(...time, '--quick-gen-key', k.uids[0], k.algo, 'sign,cert', expiry);
  const fpr = /^fpr:(?:[^:]*:){8}([0-9A-F]+):/m.exec(
    run('gpg', ['--batch', '--with-colons', '--list-keys', `=${k.uids[0]}`]).toString(),
  )[1];
  if (k.sub) gpg(...time, '--quick-add-key', fpr, k.sub, 'encr', expiry);
  for (const uid of k.uids.slice(1)) gpg(...time, '--quick-add-uid', fpr, uid);
  if (k.revoked) {
    const rev = fs.readFileSync(path.join(home, 'openpgp-revocs.d', `${fpr}.rev`), 'utf8');
    run('gpg', ['--batch', '--quiet', '--import'], { input: rev.replace(/^:/m, '') });
  }
  return fpr;
}

function makeSq(k) {
  const secret = path.join(home, `${k.name}.key`);
  const args = ['key', 'generate', ...k.uids.flatMap((u) => ['--userid', u])];
  if (k.suite) args.push('--cipher-suite', k.suite);
  if (k.cannotEncrypt) args.push('--cannot-encrypt');
  if (k.expired) args.push('--creation-time', '20200101', '--expires', '20210101');
  run('sq', [...args, '--export', secret]);
  const cert = path.join(out, `${k.name}.asc`);
  fs.writeFileSync(cert, run('sq', ['key', 'extract-cert', secret]));
  gpg('--import', cert);
  return fprOf(cert);
}

const made = {};
try {
  for (const k of layout.keys) {
    const fpr = k.tool === 'sq' ? makeSq(k) : makeGpg(k);
    const file = path.join(out, `${k.name}.asc`);
    if (k.tool === 'gpg') fs.writeFileSync(file, gpg('--armor', '--export', fpr));
    made[k.name] = { fingerprint: fpr, file, tool: k.tool, uids: k.uids };
  }

  // --- WKD ------------------------------------------------------------------------------------------------------
  const tree = path.join(out, 'wkd');
  fs.mkdirSync(tree);
  const wkdHash = (address) => run(WKS_CLIENT, ['--print-wkd-hash', address]).toString().split(/\s+/)[0];
  const publications = [];
  const domainOf = (address) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  for (const p of layout.wkd) {
    const address = p.install || p.hashOf;
    const domain = domainOf(address);
    const hu = path.join(tree, domain, 'hu');
    fs.mkdirSync(hu, { recursive: true });
    if (p.install) {
      // GnuPG's own layout tool: it keeps only the user ID for this address and names the file by its hash.
      run(WKS_CLIENT, ['--install-key', '-C', tree, made[p.key].file, address]);
    } else {
      let body;
      if (p.body === 'concat') body = Buffer.concat(p.keys.map((name) => fs.readFileSync(made[name].file)));
      else if (p.body === 'junk')
        body = Buffer.concat([Buffer.from('this is not an OpenPGP key\n'), crypto.randomBytes(512)]);
      else if (p.body === 'unavailable') body = Buffer.from('the key directory is down\n');
      else if (p.body === 'oversize')
        body = Buffer.concat([fs.readFileSync(made[p.key].file), Buffer.alloc(300 * 1024, '\n')]);
      else body = fs.readFileSync(made[p.key].file);
      fs.writeFileSync(path.join(hu, wkdHash(address)), body);
    }
    const status = p.body === 'unavailable' ? 503 : 200;
    publications.push({ kind: 'wkd', domain, hash: wkdHash(address), method: p.method, status });
  }
  // The draft's policy file (§4.5): its presence says "this is a key directory".
  for (const domain of fs.readdirSync(tree)) fs.writeFileSync(path.join(tree, domain, 'policy'), '');

  // --- VKS: armored, as keys.openpgp.org serves them --------------------------------------------------------------
  const vksDir = path.join(out, 'vks');
  fs.mkdirSync(vksDir);
  for (const p of layout.vks) {
    const { fingerprint } = made[p.key];
    // Unconfirmed addresses: the VKS publishes the key without any user ID (GnuPG's export filter drops them all).
    const filter = p.strip ? ['--export-filter', 'keep-uid=uid =~ @no-such-user-id@'] : [];
    const file = path.join(vksDir, `${fingerprint}.asc`);
    fs.writeFileSync(file, gpg('--armor', ...filter, '--export', fingerprint));
    publications.push({ kind: 'vks', fingerprint, file, address: p.byEmail === false ? null : p.address });
  }

  // --- OPENPGPKEY: the binary transferable public key (RFC 7929 §2.1) ------------------------------------------------
  const records = layout.dns.map((r) => {
    const at = r.address.lastIndexOf('@');
    const local = r.address.slice(0, at);
    const owner = `${crypto.createHash('sha256').update(local, 'utf8').digest('hex').slice(0, 56)}._openpgpkey.${r.address
      .slice(at + 1)
      .toLowerCase()}`;
    const data = r.junk ? crypto.randomBytes(200) : gpg('--export', made[r.key].fingerprint);
    return { address: r.address, owner, key: r.key || null, hex: data.toString('hex') };
  });

  fs.writeFileSync(
    manifest,
    JSON.stringify({ spec, keys: made, publications, records, ms: Date.now() - started }, null, 2) + '\n',
  );
} finally {
  run('gpgconf', ['--kill', 'all']);
  fs.rmSync(home, { recursive: true, force: true });
}
