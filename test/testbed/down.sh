#!/usr/bin/env bash
# Takes the test bed down: stops exactly the processes whose pid files live in the run directory (and only when
# the pid still belongs to the program that wrote it), keeps keys, certificates and delivered mail for the next
# up.sh. Idempotent: a bed that is partly or not at all up is fine.
#
#   test/testbed/down.sh          # run directory test/testbed/run (or $SENDGUARD_TESTBED_RUN)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="${SENDGUARD_TESTBED_RUN:-$HERE/run}"
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
# Through the link to the state directory (run-dir.sh); a link whose target is gone has nothing left to stop.
[[ -d $RUN ]] || exit 0
RUN="$(cd "$RUN" && pwd -P)"

# up.sh calls us while holding the lock (TESTBED_LOCKED=1); taking it again on a new descriptor would deadlock.
if [[ -z ${TESTBED_LOCKED:-} ]]; then
  exec 9>"$RUN/.lock"
  flock -w 180 9 || { echo "testbed: another up.sh/down.sh holds $RUN/.lock" >&2; exit 1; }
fi

# stop PIDFILE PROGRAM — TERM, then KILL after 5 s; PROGRAM must appear in the process's command line so that a
# recycled pid never hits somebody else's process.
stop() {
  local pidfile=$1 program=$2 pid i
  [[ -s $pidfile ]] || return 0
  pid=$(head -n1 "$pidfile" | tr -d ' ')
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$program"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# Each takes a second or more to exit, and none depends on another: stopped side by side. Dovecot masters take
# their login, auth and mail processes along.
for svc in https-hosts hostile-smtp stall-hosts; do stop "$RUN/node/$svc.pid" "$svc.js" & done
for pidfile in "$RUN"/dovecot/*/master.pid; do stop "$pidfile" dovecot & done
wait
# What `postfix stop` does (TERM to the master, which takes its children along), minus its one-second polling.
stop "$RUN/postfix-queue/pid/master.pid" master
stop "$RUN/dns/unbound.pid" unbound
stop "$RUN/dns/nsd.pid" nsd
rm -f "$RUN/bed.json"
echo "testbed: down ($RUN)" >&2
