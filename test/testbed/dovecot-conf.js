// Writes the configuration of every Dovecot instance in layout.js (dovecotInstances) and the one test user they
// share. up.sh starts each instance with `dovecot -c RUN/dovecot/NAME.conf`.
// Usage: node dovecot-conf.js RUN_DIR MAIL_UID MAIL_GID
//
// Each configuration stands alone (nothing from /etc/dovecot): Dovecot's built-in defaults plus what is written
// here. Every path is under the run directory — base_dir (sockets and master.pid), state_dir, logs, the user's
// mail — and every listener is bound to the instance's own address only.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const {
  addr,
  dovecotInstances,
  mailboxLogin,
  MAIL_PORTS,
  IMPLICIT_TLS_SERVICES,
  certs,
  fqdn,
} = require('./layout.js');

const [runArg, mailUid, mailGid] = process.argv.slice(2);
if (!runArg || !/^\d+$/.test(mailUid || '') || !/^\d+$/.test(mailGid || ''))
  throw new Error('usage: node dovecot-conf.js RUN_DIR MAIL_UID MAIL_GID');
const runDir = path.resolve(runArg);
const dovecotDir = path.join(runDir, 'dovecot');
const certDir = path.join(runDir, 'certs');

const usersFile = path.join(dovecotDir, 'users');
const home = path.join(dovecotDir, 'home', mailboxLogin.user);

// Dovecot's built-in listeners, per login service. A listener the instance does not serve gets port 0 (none).
const LOGIN_SERVICES = {
  'imap-login': ['imap', 'imaps'],
  'pop3-login': ['pop3', 'pop3s'],
  'submission-login': ['submission', 'submissions'],
};

/** Dovecot's `ssl` and `disable_plaintext_auth` for each layout `tls` value. */
const TLS_SETTINGS = {
  // ssl=required refuses every authentication before TLS, whatever disable_plaintext_auth says.
  required: { ssl: 'required', disable_plaintext_auth: 'yes' },
  offered: { ssl: 'yes', disable_plaintext_auth: 'no' },
  none: { ssl: 'no', disable_plaintext_auth: 'no' },
};

function config(d) {
  const base = path.join(dovecotDir, d.name);
  const serves = (listener) => d.services.includes(listener);
  const protocols = Object.entries(LOGIN_SERVICES)
    .filter(([, listeners]) => listeners.some(serves))
    .map(([service]) => service.replace(/-login$/, ''));
  const cert = d.cert && certs()[d.cert];
  const lines = [
    `# The test bed's "${d.name}" Dovecot instance, written by test/testbed/dovecot-conf.js: do not edit.`,
    `instance_name = sendguard-bed-${d.name}`,
    `base_dir = ${base}`,
    `state_dir = ${path.join(base, 'state')}`,
    `listen = ${d.ip}`,
    `protocols = ${protocols.join(' ')}`,
    // The name submission's EHLO and the greeting give: the instance's first certificate name, if it has one.
    `hostname = ${cert ? cert.names[0] : fqdn(`mail-${d.name}`)}`,
    `log_path = ${path.join(runDir, 'logs', `dovecot-${d.name}.log`)}`,
    `ssl = ${TLS_SETTINGS[d.tls].ssl}`,
    `disable_plaintext_auth = ${TLS_SETTINGS[d.tls].disable_plaintext_auth}`,
  ];
  if (cert) {
    lines.push(
      `ssl_cert = <${path.join(certDir, `${d.cert}-chain.pem`)}`,
      `ssl_key = <${path.join(certDir, `${d.cert}.key`)}`,
      'ssl_min_protocol = TLSv1.2',
    );
  }
  lines.push(
    'auth_mechanisms = plain login',
    `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u ${usersFile}\n}`,
    `userdb {\n  driver = passwd-file\n  args = username_format=%u ${usersFile}\n}`,
    'mail_location = maildir:~/Maildir',
    // The mail user is the package's own `dovecot` user (a system uid below Dovecot's default floor of 500).
    `first_valid_uid = ${mailUid}`,
    `last_valid_uid = ${mailUid}`,
    // Submission passes mail on to the bed's good Postfix, which accepts mail for the test zone only.
    `submission_relay_host = ${addr.smtpGood}`,
    'submission_relay_port = 25',
  );
  for (const [service, listeners] of Object.entries(LOGIN_SERVICES)) {
    if (!listeners.some(serves)) continue;
    const blocks = listeners.map((l) => {
      const ssl = IMPLICIT_TLS_SERVICES.includes(l) && serves(l) ? '\n    ssl = yes' : '';
      return `  inet_listener ${l} {\n    port = ${serves(l) ? MAIL_PORTS[l] : 0}${ssl}\n  }`;
    });
    lines.push(`service ${service} {\n${blocks.join('\n')}\n}`);
  }
  return `${lines.join('\n')}\n`;
}

fs.mkdirSync(dovecotDir, { recursive: true });
// Read by the auth process, which runs as the `dovecot` user.
fs.writeFileSync(
  usersFile,
  `${mailboxLogin.user}:{PLAIN}${mailboxLogin.password}:${mailUid}:${mailGid}::${home}::\n`,
  {
    mode: 0o640,
  },
);
fs.chownSync(usersFile, process.getuid(), Number(mailGid));
fs.mkdirSync(home, { recursive: true });
fs.chownSync(home, Number(mailUid), Number(mailGid));
for (const d of dovecotInstances) {
  // Not inside base_dir: the master puts a link named dovecot.conf there, to the file it was started with.
  fs.writeFileSync(path.join(dovecotDir, `${d.name}.conf`), config(d));
}
