#!/usr/bin/env bash
# Brings up the offline test bed: a DNSSEC-signed zone (nsd), a validating resolver (unbound), one Postfix with an
# smtpd per TLS case, one Dovecot per way of reaching a mailbox (IMAP, POP3, submission), HTTPS hosts for MTA-STS,
# WKD, a VKS and mail clients' autoconfig files, and hostile SMTP peers (Node), OpenPGP keys made by
# GnuPG and Sequoia (published in WKD, the VKS and OPENPGPKEY records) — all on 127.x.y.z addresses, all state
# under one run directory. Prints where things are and writes RUN/bed.json for clients.
#
#   test/testbed/up.sh            # run directory test/testbed/run (or $SENDGUARD_TESTBED_RUN)
#
# The run directory is a link to a state directory under /tmp that the daemons' own users can reach wherever the
# checkout is (run-dir.sh). Idempotent: when the bed in this run directory is already up and healthy it says so
# and leaves it alone; otherwise it tears down what is left and starts afresh. When a start fails part-way, it
# stops whatever it had started before it exits, so the next start finds the addresses free. Keys and
# certificates are made once per run directory and re-used while valid; zones are re-signed on every start
# (cheap, and signatures never go stale).
#
# For tests of this script: SENDGUARD_TESTBED_FAIL_AT=nsd|services makes it fail right after that stage started;
# SENDGUARD_TESTBED_SHIFT moves every address (layout.js).
set -euo pipefail
# Whoever calls us, the daemons' users must be able to read what we make (certificates, zones, configuration).
umask 022

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="${SENDGUARD_TESTBED_RUN:-$HERE/run}"
# shellcheck source=run-dir.sh
source "$HERE/run-dir.sh"
# Daemons live in /usr/sbin, which a non-login shell (CI, jest) may not have on PATH.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# --- Programs -------------------------------------------------------------------------------------------------
# program:package — the package that brings the program on Debian 12.
REQUIRED=(
  nsd:nsd nsd-checkconf:nsd unbound:unbound unbound-checkconf:unbound postfix:postfix postconf:postfix
  ldns-keygen:ldnsutils ldns-key2ds:ldnsutils ldns-signzone:ldnsutils dig:bind9-dnsutils openssl:openssl
  node:nodejs flock:util-linux gpg:gpg gpgconf:gpgconf sq:sq /usr/lib/gnupg/gpg-wks-client:gpg-wks-client
  dovecot:dovecot-core /usr/lib/dovecot/imap-login:dovecot-imapd /usr/lib/dovecot/pop3-login:dovecot-pop3d
  /usr/lib/dovecot/submission-login:dovecot-submissiond
)
missing=() packages=()
for pair in "${REQUIRED[@]}"; do
  if ! command -v "${pair%%:*}" >/dev/null 2>&1; then
    missing+=("${pair%%:*}")
    [[ " ${packages[*]} " == *" ${pair#*:} "* ]] || packages+=("${pair#*:}")
  fi
done
if ((${#missing[@]})); then
  echo "testbed: missing programs: ${missing[*]}" >&2
  echo "testbed: install them with: apt-get install -y ${packages[*]}" >&2
  exit 1
fi

RUN="$(state_dir_for "$RUN")"
START=$(date +%s%N)
log() { echo "testbed: $*" >&2; }

# One bed per run directory at a time: parallel test files may call up.sh together.
exec 9>"$RUN/.lock"
flock -w 180 9 || { log "another up.sh/down.sh holds $RUN/.lock"; exit 1; }

# --- Already up? ---------------------------------------------------------------------------------------------
alive() { [[ -s "$1" ]] && kill -0 "$(head -n1 "$1")" 2>/dev/null; }
NODE_SERVICES=(https-hosts hostile-smtp stall-hosts)
PIDFILES=("$RUN/dns/nsd.pid" "$RUN/dns/unbound.pid" "$RUN/postfix-queue/pid/master.pid")
for svc in "${NODE_SERVICES[@]}"; do PIDFILES+=("$RUN/node/$svc.pid"); done
read -ra DOVECOTS < <(node -p 'require(process.argv[1]).dovecotInstances.map((d) => d.name).join(" ")' \
  "$HERE/layout.js")
for name in "${DOVECOTS[@]}"; do PIDFILES+=("$RUN/dovecot/$name/master.pid"); done
all_alive() { for p in "${PIDFILES[@]}"; do alive "$p" || return 1; done; }
# A bed started from other scripts or layout than these is stale even if it runs: restart it.
FINGERPRINT="$(cat "$HERE"/*.js "$HERE"/*.sh | sha256sum | cut -c1-16)"
if [[ -s "$RUN/bed.json" ]] && all_alive && [[ "$(cat "$RUN/fingerprint" 2>/dev/null)" == "$FINGERPRINT" ]] &&
  dig +short +time=1 +tries=1 @"$(node -p "require('$HERE/layout.js').addr.resolver")" sendguard.test SOA | grep -q .; then
  log "already up ($RUN/bed.json)"
  echo "$RUN/bed.json"
  exit 0
fi
TESTBED_LOCKED=1 "$HERE/down.sh" >/dev/null
node "$HERE/preflight.js"

# From here on daemons start. Should anything fail before the bed is complete, stop all of them again: a half bed
# holds addresses the next start needs, and answers nobody can rely on.
NODE_PIDS=() DAEMON_PIDFILES=() POSTFIX_START= COMPLETE=
stop_partial_bed() {
  local status=$? pid file i
  [[ -n $COMPLETE ]] && return 0
  log "start-up failed (exit $status): stopping what this run started"
  # nsd and unbound write their pid files a moment after they fork, `postfix start` may still be starting the
  # master: wait for them, so that down.sh finds every pid file it has to act on.
  if [[ -n $POSTFIX_START ]]; then wait "$POSTFIX_START" 2>/dev/null || true; fi
  for file in "${DAEMON_PIDFILES[@]}"; do
    for ((i = 0; i < 30; i++)); do [[ -s $file ]] && break; sleep 0.1; done
  done
  TESTBED_LOCKED=1 "$HERE/down.sh" >/dev/null 2>&1 || log "down.sh failed; see $RUN/logs"
  # A Node service that never got as far as its pid file is stopped by the pid this script saw.
  for pid in "${NODE_PIDS[@]}"; do
    if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q -- "$HERE/"; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
  return 0
}
trap stop_partial_bed EXIT
# Killed (a caller's time-out, Ctrl-C): exit normally, so that the EXIT trap above runs.
trap 'exit 1' TERM INT HUP
# fail_at STAGE — the test hook: fail here when SENDGUARD_TESTBED_FAIL_AT names this stage.
fail_at() {
  if [[ ${SENDGUARD_TESTBED_FAIL_AT:-} == "$1" ]]; then
    log "failing after stage '$1' as SENDGUARD_TESTBED_FAIL_AT asks"
    exit 1
  fi
}

# Layout values used below (layout.js is the single source of truth).
eval "$(node -e '
  const l = require(process.argv[1]);
  const q = (s) => `'"'"'${s}'"'"'`;
  console.log(`RESOLVER=${q(l.addr.resolver)} AUTH=${q(l.addr.authoritative)} ZONE=${q(l.ZONE)}`);
  console.log(`CHILD_ZONES=(${l.childZones.map((c) => q(`${c.name}.${l.ZONE}:${c.signed}`)).join(" ")})`);
  console.log(`SMTP_IPS=(${l.postfixServices.map((s) => q(s.ip)).join(" ")})`);
  // name:address:port:tls|plain for every Dovecot listener, to wait for.
  const start = (s) => (l.IMPLICIT_TLS_SERVICES.includes(s) ? "tls" : "plain");
  const listeners = l.dovecotInstances.flatMap((d) => d.services.map((s) => [d.name, d.ip, l.MAIL_PORTS[s], start(s)]));
  console.log(`MAILBOX_LISTENERS=(${listeners.map((x) => q(x.join(":"))).join(" ")})`);
' "$HERE/layout.js")"

mkdir -p "$RUN"/{certs,dns/keys,logs,node,postfix,postfix-data,postfix-queue,mail,dovecot}

# --- Certificates ------------------------------------------------------------------------------------------------
# ECDSA P-256 keys: fast to make, and every peer here (Postfix, Node, OpenSSL 1.0-style TLS 1.0) speaks them.
CERTS="$RUN/certs"
newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

if ! { [[ -s $CERTS/ca.pem && -s $CERTS/ca.key ]] && openssl x509 -in "$CERTS/ca.pem" -noout -checkend 86400 >/dev/null; }; then
  log "making the test CA"
  rm -rf "${CERTS:?}"/*
  newkey "$CERTS/ca.key"
  openssl req -x509 -new -key "$CERTS/ca.key" -subj "/O=Sendguard test bed/CN=Sendguard Test CA" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$CERTS/ca.pem" 2>/dev/null
fi

# `openssl ca` rather than `x509 -req` because only it can back-date a certificate (the expired case).
cat >"$CERTS/ca.cnf" <<EOF
[ca]
default_ca = testbed
[testbed]
database = $CERTS/index.txt
serial = $CERTS/serial
new_certs_dir = $CERTS
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
EOF

# make_leaf NAME SIGNER(ca|self) VALIDITY(valid|expired) SAN(yes|no) DNSNAME...
make_leaf() {
  local name=$1 signer=$2 validity=$3 san=$4
  shift 4
  local key="$CERTS/$name.key" pem="$CERTS/$name.pem" want="$*"
  # Re-use when made for the same names and still (or, for the expired case, still only) what it claims to be.
  if [[ -s $pem && -s $key && "$(cat "$CERTS/$name.names" 2>/dev/null)" == "$want" ]]; then
    if [[ $validity == expired ]] || openssl x509 -in "$pem" -noout -checkend 86400 >/dev/null; then
      return 0
    fi
  fi
  log "making certificate $name ($signer, $validity) for $*"
  newkey "$key"
  local ext="$CERTS/$name.ext"
  {
    echo "basicConstraints = critical,CA:FALSE"
    echo "keyUsage = critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage = serverAuth,clientAuth"
    if [[ $san == yes ]]; then
      local list=() n
      for n in "$@"; do list+=("DNS:$n"); done
      (IFS=,; echo "subjectAltName = ${list[*]}")
    fi
  } >"$ext"
  openssl req -new -key "$key" -subj "/CN=$1" -out "$CERTS/$name.csr" 2>/dev/null
  if [[ $signer == self ]]; then
    openssl x509 -req -in "$CERTS/$name.csr" -key "$key" -days 825 -extfile "$ext" -out "$pem" 2>/dev/null
  else
    local dates=(-startdate "$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)" -days 825)
    [[ $validity == expired ]] && dates=(-startdate 20200101000000Z -enddate 20200301000000Z)
    : >"$CERTS/index.txt"
    openssl rand -hex 16 >"$CERTS/serial"
    openssl ca -batch -notext -rand_serial -config "$CERTS/ca.cnf" -cert "$CERTS/ca.pem" -keyfile "$CERTS/ca.key" \
      "${dates[@]}" -extfile "$ext" -in "$CERTS/$name.csr" -out "$pem" 2>/dev/null
  fi
  echo "$want" >"$CERTS/$name.names"
}

while read -r name signer validity san names; do
  # shellcheck disable=SC2086 # names is a space-separated list on purpose
  make_leaf "$name" "$signer" "$validity" "$san" $names
  # Servers send leaf + CA: DANE-TA (2 0 1) needs the trust anchor in the chain the server presents.
  chain=("$CERTS/$name.pem")
  [[ $signer == ca ]] && chain+=("$CERTS/ca.pem")
  cat "${chain[@]}" >"$CERTS/$name-chain.pem"
done < <(node -e '
  for (const [name, c] of Object.entries(require(process.argv[1]).certs()))
    console.log(name, c.ca === false ? "self" : "ca", c.expired ? "expired" : "valid", c.cnOnly ? "no" : "yes", ...c.names);
' "$HERE/layout.js")
chmod 0644 "$CERTS"/*.pem
chmod 0600 "$CERTS"/*.key

# --- DNSSEC keys and zones ------------------------------------------------------------------------------------------
DNS="$RUN/dns"
# keyfor ZONE — prints the key's base name (Kzone.+013+tag), making the key once per run directory.
keyfor() {
  local z=$1 base
  base="$(cat "$DNS/keys/$z.name" 2>/dev/null || true)"
  if [[ -z $base || ! -s "$DNS/keys/$base.private" ]]; then
    # One combined signing key (KSK flag) per zone: the bed needs a valid chain, not key roll-over.
    base="$(cd "$DNS/keys" && ldns-keygen -a ECDSAP256SHA256 -k "$z")"
    echo "$base" >"$DNS/keys/$z.name"
  fi
  echo "$DNS/keys/$base"
}
ZONE_KEY="$(keyfor "$ZONE")"
ldns-key2ds -n -2 "$ZONE_KEY.key" >"$DNS/trust-anchor.ds"
for child in "${CHILD_ZONES[@]}"; do
  z=${child%%:*} mode=${child#*:}
  [[ $mode == false ]] && continue
  ldns-key2ds -n -2 "$(keyfor "$z").key" >"$DNS/$z.ds"
done

# --- OpenPGP keys ----------------------------------------------------------------------------------------------
# Made by GnuPG and Sequoia once per run directory (seconds, RSA and DSA/ElGamal included); the OPENPGPKEY records
# below and the HTTPS server's WKD and VKS routes read what it publishes.
node "$HERE/gen-keys.js" "$RUN"

node "$HERE/gen-zone.js" "$RUN"
for child in "${CHILD_ZONES[@]}"; do
  z=${child%%:*} mode=${child#*:}
  case $mode in
    false) cp "$DNS/$z.zone" "$DNS/$z.zone.signed" ;; # the insecure child: served unsigned
    # Inception and expiration both in 2020: the DS in the parent is fine, every RRSIG is stale → bogus.
    expired) ldns-signzone -i 20200101000000 -e 20200201000000 -f "$DNS/$z.zone.signed" "$DNS/$z.zone" "$(keyfor "$z")" ;;
    *) ldns-signzone -f "$DNS/$z.zone.signed" "$DNS/$z.zone" "$(keyfor "$z")" ;;
  esac
done
ldns-signzone -f "$DNS/$ZONE.zone.signed" "$DNS/$ZONE.zone" "$ZONE_KEY"

# --- nsd (authoritative) --------------------------------------------------------------------------------------------
# Own config, pid file and state files; no chroot and no user switch, so it reads the run directory as is.
{
  cat <<EOF
server:
  ip-address: $AUTH@53
  do-ip6: no
  reuseport: no
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "$DNS"
  database: ""
  zonelistfile: "$DNS/nsd-zone.list"
  xfrdfile: "$DNS/nsd-xfrd.state"
  xfrdir: "$DNS"
  pidfile: "$DNS/nsd.pid"
  logfile: "$RUN/logs/nsd.log"
  hide-version: yes
  verbosity: 1
remote-control:
  control-enable: no
zone:
  name: "$ZONE"
  zonefile: "$ZONE.zone.signed"
EOF
  for child in "${CHILD_ZONES[@]}"; do printf 'zone:\n  name: "%s"\n  zonefile: "%s.zone.signed"\n' "${child%%:*}" "${child%%:*}"; done
} >"$DNS/nsd.conf"
nsd-checkconf "$DNS/nsd.conf"
DAEMON_PIDFILES+=("$DNS/nsd.pid")
nsd -c "$DNS/nsd.conf" 9>&- </dev/null >>"$RUN/logs/nsd.log" 2>&1
fail_at nsd

# --- unbound (validating resolver) -------------------------------------------------------------------------------
# Port 53 because posttls-finger and other libc clients can only be pointed at a resolver through resolv.conf.
# Nothing outside the test zone is ever looked up: "." is refused locally, so such names fail at once instead of
# timing out towards root servers that cannot be reached from here.
cat >"$DNS/unbound.conf" <<EOF
server:
  interface: $RESOLVER
  port: 53
  do-ip6: no
  num-threads: 1
  so-reuseport: no
  username: ""
  chroot: ""
  directory: "$DNS"
  pidfile: "$DNS/unbound.pid"
  logfile: "$RUN/logs/unbound.log"
  use-syslog: no
  verbosity: 1
  val-log-level: 2
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  qname-minimisation: no
  trust-anchor-file: "$DNS/trust-anchor.ds"
  local-zone: "." refuse
  local-zone: "$ZONE." transparent
  # Short caches: tests that restart nothing but edit nothing either; still, keep stale answers from lingering.
  cache-max-ttl: 60
  cache-max-negative-ttl: 10
stub-zone:
  name: "$ZONE."
  stub-addr: $AUTH@53
remote-control:
  control-enable: no
EOF
unbound-checkconf "$DNS/unbound.conf" >/dev/null
DAEMON_PIDFILES+=("$DNS/unbound.pid")
unbound -c "$DNS/unbound.conf" 9>&- </dev/null >>"$RUN/logs/unbound.log" 2>&1

# --- Postfix ------------------------------------------------------------------------------------------------------
PF="$RUN/postfix"
PF_UID=$(id -u postfix) PF_GID=$(id -g postfix)
chown "$PF_UID:$PF_GID" "$RUN/mail" "$RUN/postfix-data"
cat >"$PF/main.cf" <<EOF
# The test bed's own Postfix: separate config, queue and data directories; listens only on the 127.25.0.x
# addresses of its smtpd services (master.cf). Accepts mail for the test zone and sends nothing anywhere.
compatibility_level = 3.6
queue_directory = $RUN/postfix-queue
data_directory = $RUN/postfix-data
maillog_file = $RUN/logs/postfix.log
maillog_file_prefixes = $RUN/logs
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.$ZONE
mydomain = $ZONE
myorigin = \$myhostname
# Every smtpd in master.cf names its own 127.25.0.x address, and only those are bound. inet_interfaces cannot
# list them: Postfix insists that those be configured on an interface, and 127/8 beyond 127.0.0.1 is routed to lo
# without being configured on it. 127.0.0.1 only serves to tell Postfix "loopback, nothing else"; no service
# in master.cf listens on it.
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_banner = \$myhostname ESMTP Sendguard test bed
smtpd_peername_lookup = no
biff = no
append_dot_mydomain = no
smtputf8_enable = no
# No local delivery at all: nothing lands in /var/mail or runs a command from .forward.
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
local_transport = error:5.1.1 no local delivery in the test bed
# mailbox.$ZONE: every recipient into one maildir, $RUN/mail/inbox/ (tests find their message by its
# Delivered-To: header or a token). virtual(8) refuses regexp substitutions, so per-user maildirs would need a list.
virtual_mailbox_domains = mailbox.$ZONE
virtual_mailbox_base = $RUN/mail
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:$PF_UID
virtual_gid_maps = static:$PF_GID
# One recipient on a domain without STARTTLS whose mail tests must still read (a split send's OpenPGP group): its
# mail is delivered into the same maildir instead of being discarded with the rest of that domain's.
virtual_alias_maps = inline:{ split-reader@no-starttls.$ZONE=split-reader@mailbox.$ZONE }
# Every other name in the test zone is accepted and discarded; anything else is refused or bounced.
relay_domains = !mailbox.$ZONE, $ZONE
relay_recipient_maps =
relay_transport = discard:accepted by the test bed and discarded
default_transport = error:5.7.1 the test bed delivers nothing outside $ZONE
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
# Tests of the Received parser name a network client with XCLIENT, so that Postfix records a hop from the
# network although every test client connects over loopback (test/helpers/smtp-xclient.ts).
smtpd_authorized_xclient_hosts = 127.0.0.0/8
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
# posttls-finger (posttls-finger.sh) checks that DNSSEC works by asking for "." NS, which the bed refuses.
dnssec_probe = ns:$ZONE
EOF
{
  cat <<'EOF'
# One smtpd per TLS case, each on its own address; the -o overrides are the whole difference between them.
# service       type  private unpriv chroot wakeup maxproc command
EOF
  node -e '
    const { postfixServices } = require(process.argv[1]);
    const certs = process.argv[2];
    for (const s of postfixServices) {
      const o = [`syslog_name=postfix/${s.name}`];
      if (s.cert) o.push("smtpd_tls_security_level=may", `smtpd_tls_chain_files=${certs}/${s.cert}.key,${certs}/${s.cert}-chain.pem`);
      else o.push("smtpd_tls_security_level=none");
      // OpenSSL 3 refuses TLS < 1.2 below security level 0; Postfix appends its cipher grade to the list, so
      // grade "low" with @SECLEVEL=0 in it lowers the level for this service only.
      if (s.legacy) o.push("smtpd_tls_protocols=!SSLv2,!SSLv3,!TLSv1.2,!TLSv1.3", "smtpd_tls_mandatory_protocols=!SSLv2,!SSLv3,!TLSv1.2,!TLSv1.3", "smtpd_tls_ciphers=low", "tls_low_cipherlist=ALL:@SECLEVEL=0");
      console.log(`${s.ip}:25 inet n - n - - smtpd\n  -o ${o.join("\n  -o ")}`);
    }
  ' "$HERE/layout.js" "$CERTS"
  cat <<'EOF'
pickup     unix  n - n 60   1 pickup
cleanup    unix  n - n -    0 cleanup
qmgr       unix  n - n 300  1 qmgr
tlsmgr     unix  - - n 1000? 1 tlsmgr
rewrite    unix  - - n -    - trivial-rewrite
bounce     unix  - - n -    0 bounce
defer      unix  - - n -    0 bounce
trace      unix  - - n -    0 bounce
verify     unix  - - n -    1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -    - proxymap
proxywrite unix  - - n -    1 proxymap
smtp       unix  - - n -    - smtp
relay      unix  - - n -    - smtp
showq      unix  n - n -    - showq
error      unix  - - n -    - error
retry      unix  - - n -    - error
discard    unix  - - n -    - discard
local      unix  - n n -    - local
virtual    unix  - n n -    - virtual
lmtp       unix  - - n -    - lmtp
anvil      unix  - - n -    1 anvil
scache     unix  - - n -    1 scache
postlog    unix-dgram n - n - 1 postlogd
EOF
} >"$PF/master.cf"
# The full integrity check (post-install create-missing, permission scans) costs seconds; once the queue
# directories exist, Postfix's own quick-start marker skips it.
[[ -d $RUN/postfix-queue/maildrop && -d $RUN/postfix-queue/pid ]] && touch "$RUN/postfix-queue/quick-start"
# In the background: it takes a second or two, and the Node servers can start meanwhile.
postfix -c "$PF" start 9>&- </dev/null >>"$RUN/logs/postfix-start.log" 2>&1 &
POSTFIX_START=$!

# --- Dovecot: mailbox access ----------------------------------------------------------------------------------------
# One master per instance, each with its own configuration, base_dir (sockets, master.pid) and log. The master
# binds its listeners before it forks into the background, so a taken address fails here, at once.
DOVECOT_START=$(date +%s%N)
node "$HERE/dovecot-conf.js" "$RUN" "$(id -u dovecot)" "$(id -g dovecot)"
for name in "${DOVECOTS[@]}"; do
  DAEMON_PIDFILES+=("$RUN/dovecot/$name/master.pid")
  dovecot -c "$RUN/dovecot/$name.conf" 9>&- </dev/null >>"$RUN/logs/dovecot-$name.log" 2>&1 ||
    { log "dovecot ($name) did not start:"; tail -n 20 "$RUN/logs/dovecot-$name.log" >&2; exit 1; }
done
log "dovecot: ${#DOVECOTS[@]} instances started in $(( ($(date +%s%N) - DOVECOT_START) / 1000000 )) ms"

# --- Node: HTTPS hosts and hostile SMTP peers ----------------------------------------------------------------------
# Detached (setsid, stdio to files) so they outlive this script and never hold a caller's pipes open. Each writes
# its pid file only once all its listeners are bound: the pid file is the readiness signal.
for svc in "${NODE_SERVICES[@]}"; do
  rm -f "$RUN/node/$svc.pid"
  setsid node "$HERE/$svc.js" "$RUN" "$RUN/node/$svc.pid" 9>&- </dev/null >>"$RUN/logs/$svc.log" 2>&1 &
  NODE_PIDS+=($!)
done
fail_at services

# --- Wait until everything answers --------------------------------------------------------------------------------
wait_for() { # wait_for WHAT COMMAND... — up to 20 s
  local i
  for ((i = 0; i < 200; i++)); do "${@:2}" >/dev/null 2>&1 && return 0; sleep 0.1; done
  log "$1 did not come up; logs in $RUN/logs:"
  tail -n 15 "$RUN"/logs/*.log >&2 || true
  exit 1
}
tcp_open() { timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2"; }
# greets HOST PORT — a Dovecot listener without implicit TLS sends its greeting ("* OK", "+OK", "220") once its
# login process runs; an open port alone only says the master bound it.
greets() { timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2 && read -r line <&3 && [[ \$line =~ ^(\\*\ OK|\\+OK|220) ]]"; }
# Postfix logs its own start-up failures to its maillog (or syslog), so show both.
wait "$POSTFIX_START" ||
  { log "postfix did not start:"; tail -n 20 "$RUN/logs/postfix-start.log" "$RUN/logs/postfix.log" >&2; exit 1; }
wait_for nsd dig +time=1 +tries=1 +norec @"$AUTH" "$ZONE" SOA
wait_for unbound bash -c "dig +time=1 +tries=1 @$RESOLVER $ZONE SOA | grep -q 'status: NOERROR'"
for ip in "${SMTP_IPS[@]}"; do wait_for "postfix on $ip" tcp_open "$ip" 25; done
for svc in "${NODE_SERVICES[@]}"; do wait_for "$svc.js" alive "$RUN/node/$svc.pid"; done
for listener in "${MAILBOX_LISTENERS[@]}"; do
  IFS=: read -r name ip port start <<<"$listener"
  if [[ $start == tls ]]; then probe=tcp_open; else probe=greets; fi
  wait_for "dovecot ($name) on $ip:$port" "$probe" "$ip" "$port"
done

# --- bed.json ---------------------------------------------------------------------------------------------------
node -e '
  const [layoutFile, run, here, ms] = process.argv.slice(1);
  const l = require(layoutFile);
  const fs = require("node:fs");
  const bed = {
    dns: `${l.addr.resolver}:53`,
    caFile: `${run}/certs/ca.pem`,
    zone: `${l.ZONE}.`,
    trustAnchor: fs.readFileSync(`${run}/dns/trust-anchor.ds`, "utf8").trim().replace(/\s+/g, " "),
    trustAnchorFile: `${run}/dns/trust-anchor.ds`,
    authoritative: `${l.addr.authoritative}:53`,
    https: `${l.addr.https}:443`,
    // A "resolver" that reads every query and answers none (stall-hosts.js).
    dnsStall: `${l.addr.dnsStall}:53`,
    smtp: Object.fromEntries([
      ...l.postfixServices.map((s) => [s.name, `${s.ip}:25`]),
      ["tarpit", `${l.addr.smtpTarpit}:25`],
      ["junk", `${l.addr.smtpJunk}:25`],
      ["inject", `${l.addr.smtpInject}:25`],
      ["tempfail", `${l.addr.smtpTempfail}:25`],
    ]),
    // Dovecot instances: listener name (imap, imaps, pop3, pop3s, submission, submissions) → address:port.
    mailbox: Object.fromEntries(
      l.dovecotInstances.map((d) => [
        d.name,
        Object.fromEntries(d.services.map((s) => [s, `${d.ip}:${l.MAIL_PORTS[s]}`])),
      ]),
    ),
    // Where nothing listens: a mailbox host whose connections are refused.
    mailboxRefused: l.addr.mbxRefused,
    mailboxLogin: l.mailboxLogin,
    mailboxCasesFile: `${here}/mailbox-cases.json`,
    mailDomain: `mailbox.${l.ZONE}`,
    mailDir: `${run}/mail/inbox`,
    casesFile: `${here}/cases.json`,
    keyCasesFile: `${here}/key-cases.json`,
    keysFile: `${run}/keys/keys.json`,
    vksBaseUrl: `https://${require(`${here}/key-layout.js`).VKS_HOST}`,
    runDir: run,
    logDir: `${run}/logs`,
    upMs: Number(ms),
  };
  fs.writeFileSync(`${run}/bed.json`, JSON.stringify(bed, null, 2) + "\n");
' "$HERE/layout.js" "$RUN" "$HERE" "$(( ($(date +%s%N) - START) / 1000000 ))"
echo "$FINGERPRINT" >"$RUN/fingerprint"
COMPLETE=1
log "up in $(( ($(date +%s%N) - START) / 1000000 )) ms; resolver $RESOLVER:53, CA $CERTS/ca.pem"
echo "$RUN/bed.json"
