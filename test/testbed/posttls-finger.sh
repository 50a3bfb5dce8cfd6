#!/usr/bin/env bash
# Runs Postfix's posttls-finger against the running test bed, as an independent TLS/DANE/MTA-STS-free reference
# for cross-checks and benchmarks:
#
#   test/testbed/posttls-finger.sh DOMAIN [LEVEL] [more posttls-finger options]
#   test/testbed/posttls-finger.sh dane-ee.sendguard.test dane
#
# LEVEL is a Postfix TLS security level (dane, secure, verify, encrypt, may; default dane). posttls-finger
# resolves through libc, which only reads /etc/resolv.conf: the command runs in a private mount namespace where a
# resolv.conf naming the bed's unbound is bind-mounted over the real one, so the machine's file never changes.
# `options trust-ad` because glibc otherwise strips the AD bit, and without it there is no DANE.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="${SENDGUARD_TESTBED_RUN:-$HERE/run}"
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
(($# >= 1)) || { echo "usage: $0 DOMAIN [LEVEL] [posttls-finger options...]" >&2; exit 2; }
[[ -s $RUN/bed.json ]] || { echo "testbed: not up (no $RUN/bed.json); run $HERE/up.sh" >&2; exit 1; }
domain=$1 level=${2:-dane}
shift $(($# >= 2 ? 2 : 1))

resolver=$(node -p "require('$RUN/bed.json').dns.replace(/:53\$/, '')")
resolv="$RUN/resolv.conf"
printf 'nameserver %s\noptions trust-ad attempts:1 timeout:2\n' "$resolver" >"$resolv"

# MAIL_CONFIG: the bed's own Postfix configuration, so the host's /etc/postfix (if any) plays no part.
export MAIL_CONFIG="$RUN/postfix"
exec unshare --mount --propagation private -- bash -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' \
  _ "$resolv" posttls-finger -t30 -T180 -c -l "$level" -P "$RUN/certs/ca.pem" "$@" "$domain"
