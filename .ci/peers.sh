#!/usr/bin/env bash
# The real peers the tests run against come from Debian's packages. Installs the missing ones when run as root
# on Debian (CI, a fresh machine); otherwise fails at once, naming what is missing and how to get it.
set -euo pipefail

PACKAGES=(postfix unbound nsd ldnsutils bind9-dnsutils gnupg sq chromium openssl iproute2 thunderbird xvfb libxml2-utils postgresql haproxy systemd
  dovecot-imapd dovecot-pop3d dovecot-submissiond)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
((${#missing[@]} == 0)) && exit 0

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "Installing the test peers' packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Postfix's installer asks what kind of mail system this is; the test bed brings its own configuration.
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  # Keep the packages' own services from starting: the test bed starts its own instances on 127.x addresses.
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # The package enables its service for the next boot; a system Dovecot on 0.0.0.0:143 would take every
  # 127.x.y.z:143 the test bed's instances need.
  if [[ " ${missing[*]} " == *" dovecot-"* ]] && command -v systemctl >/dev/null; then
    systemctl disable dovecot.service dovecot.socket >/dev/null 2>&1 || true
  fi
  exit 0
fi

echo "The tests need these Debian packages, which are not installed: ${missing[*]}" >&2
echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
exit 1
