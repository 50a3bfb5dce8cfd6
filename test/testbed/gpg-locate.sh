#!/usr/bin/env bash
# Runs GnuPG's own key discovery against the running test bed, as the independent reference for the key tests:
#
#   test/testbed/gpg-locate.sh [--methods clear,wkd] ADDRESS...
#
# prints one line per address: ADDRESS EXIT-STATUS FINGERPRINT... (the primary fingerprints GnuPG imported; none
# when it found nothing). Each address gets a fresh GNUPGHOME, so nothing found earlier answers a later lookup.
# dirmngr resolves through /etc/resolv.conf and trusts the system store (GnuTLS's default trust file,
# /etc/ssl/certs/ca-certificates.crt on Debian): the command runs in a private mount namespace where both are
# bind-mounted over — a resolv.conf naming the bed's unbound, and the system bundle with the bed's CA appended —
# so the machine's files never change. dirmngr, started by gpg inside the namespace, stays in it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="${SENDGUARD_TESTBED_RUN:-$HERE/run}"
methods=clear,wkd
if [[ ${1:-} == --methods ]]; then methods=$2; shift 2; fi
(($# >= 1)) || { echo "usage: $0 [--methods LIST] ADDRESS..." >&2; exit 2; }
[[ -s $RUN/bed.json ]] || { echo "testbed: not up (no $RUN/bed.json); run $HERE/up.sh" >&2; exit 1; }

SYSTEM_BUNDLE=/etc/ssl/certs/ca-certificates.crt
resolver=$(node -p "require('$RUN/bed.json').dns.replace(/:53\$/, '')")
work=$(mktemp -d /tmp/sg-gpg-XXXXXX)
trap 'rm -rf "$work"' EXIT
printf 'nameserver %s\noptions attempts:1 timeout:2\n' "$resolver" >"$work/resolv.conf"
cat "$SYSTEM_BUNDLE" "$RUN/certs/ca.pem" >"$work/ca-certificates.crt"

# Not exec: the EXIT trap must still remove $work (every GnuPG home made in it) when the lookups are done.
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --mount --propagation private -- bash -c '
  set -u
  work=$1 methods=$2 bundle=$3
  shift 3
  mount --bind "$work/resolv.conf" /etc/resolv.conf
  mount --bind "$work/ca-certificates.crt" "$bundle"
  for address in "$@"; do
    home=$(mktemp -d "$work/h-XXXXXX")
    status=0
    GNUPGHOME=$home gpg --batch --no-tty --auto-key-locate "$methods" --locate-keys "$address" \
      >"$home/out" 2>"$home/log" || status=$?
    fprs=$(GNUPGHOME=$home gpg --batch --with-colons --list-keys 2>/dev/null | awk -F: "/^pub:/ { p = 1 } p && /^fpr:/ { print \$10; p = 0 }" | tr "\n" " ")
    GNUPGHOME=$home gpgconf --kill all >/dev/null 2>&1 || true
    echo "$address $status $fprs"
    sed "s/^/# /" "$home/log" >&2
  done
' _ "$work" "$methods" "$SYSTEM_BUNDLE" "$@"
