// Fills the HTTPS routes of the key hosts (declared in https-routes.js) with what gen-keys.js published in the run
// directory: WKD documents for the advanced method (openpgpkey.<domain>) or the direct one (<domain>), the
// draft's policy files, and the VKS API (keys.openpgp.org's /vks/v1/by-email/ and /vks/v1/by-fingerprint/).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { VKS_HOST } = require('./key-layout.js');

const WKD = { 'content-type': 'application/octet-stream', 'access-control-allow-origin': '*' };
const VKS = { 'content-type': 'application/pgp-keys', 'access-control-allow-origin': '*' };

/** Adds the published keys of RUN/keys/keys.json to `routes`; throws when the key set is missing. */
function fillKeyRoutes(routes, runDir) {
  const out = path.join(runDir, 'keys');
  const { publications } = JSON.parse(fs.readFileSync(path.join(out, 'keys.json'), 'utf8'));
  const route = (host) => {
    const r = routes.get(host);
    if (!r) throw new Error(`key-routes: ${host} is not in the route table (key-layout.js keyHosts)`);
    return r;
  };
  const wkdRoot = path.join(out, 'wkd');
  const isDirect = (domain) => !routes.has(`openpgpkey.${domain}`);
  for (const domain of fs.readdirSync(wkdRoot)) {
    // Every domain with a key directory serves the policy file where its method looks.
    const policy = { status: 200, headers: WKD, body: fs.readFileSync(path.join(wkdRoot, domain, 'policy')) };
    if (isDirect(domain)) route(domain).paths['/.well-known/openpgpkey/policy'] = policy;
    else route(`openpgpkey.${domain}`).paths[`/.well-known/openpgpkey/${domain}/policy`] = policy;
  }
  for (const p of publications) {
    if (p.kind === 'wkd') {
      const answer = {
        status: p.status ?? 200,
        headers: WKD,
        body: fs.readFileSync(path.join(wkdRoot, p.domain, 'hu', p.hash)),
      };
      if (p.method === 'direct' || isDirect(p.domain))
        route(p.domain).paths[`/.well-known/openpgpkey/hu/${p.hash}`] = answer;
      else route(`openpgpkey.${p.domain}`).paths[`/.well-known/openpgpkey/${p.domain}/hu/${p.hash}`] = answer;
    } else if (p.kind === 'vks') {
      const answer = { status: 200, headers: VKS, body: fs.readFileSync(p.file) };
      route(VKS_HOST).paths[`/vks/v1/by-fingerprint/${p.fingerprint}`] = answer;
      if (p.address) route(VKS_HOST).paths[`/vks/v1/by-email/${encodeURIComponent(p.address)}`] = answer;
    }
  }
}

module.exports = { fillKeyRoutes };
