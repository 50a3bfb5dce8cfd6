# Sourced by up.sh: where the bed keeps its state.
#
# The daemons run partly as their own users (Postfix's smtpd, qmgr, postlogd… as `postfix`), and those must reach
# their queue, data and log directories. A checkout inside a mode-0700 directory (/root/x, `mktemp -d`) is out of
# their reach, so the state lives in a directory of its own, /tmp/sendguard-testbed-HASH (the root is
# $SENDGUARD_TESTBED_STATE_ROOT when set), named by a hash of the run directory's path so that two checkouts never
# share one, and the run directory (test/testbed/run) is a symbolic link to it: tests, README commands and people
# keep using test/testbed/run/…. A directory holding the marker file is a state directory already (bed.json's
# runDir, or one a test prepared) and is used as it is.

STATE_MARKER=.testbed-state

# state_dir_for RUN — prints the physical path of RUN's state directory, making it (mode 0755) and the link.
state_dir_for() {
  local run=$1 parent abs state root=${SENDGUARD_TESTBED_STATE_ROOT:-/tmp}
  mkdir -p "$(dirname "$run")"
  parent="$(cd "$(dirname "$run")" && pwd -P)"
  abs="$parent/$(basename "$run")"
  if [[ ! -L $abs && -e $abs/$STATE_MARKER ]]; then
    chmod 0755 "$abs"
    echo "$abs"
    return 0
  fi
  state="$root/sendguard-testbed-$(printf '%s' "$abs" | sha256sum | cut -c1-16)"
  mkdir -p "$state"
  # /tmp is shared: a directory or link somebody else planted under our name is not ours to run daemons from.
  if [[ -L $state || ! -d $state || "$(stat -c %u "$state")" != "$(id -u)" ]]; then
    echo "testbed: $state exists and is not a directory of user $(id -un); remove it or set SENDGUARD_TESTBED_STATE_ROOT" >&2
    return 1
  fi
  chmod 0755 "$state"
  touch "$state/$STATE_MARKER"
  if [[ -d $abs && ! -L $abs ]]; then
    # A run directory from before state directories existed: stop its bed, then it gives way to the link. Only a
    # directory that is recognisably a bed's is removed.
    if [[ -e $abs/fingerprint || -e $abs/bed.json || -e $abs/.lock || -z "$(ls -A "$abs")" ]]; then
      SENDGUARD_TESTBED_RUN="$abs" "$HERE/down.sh" >/dev/null 2>&1 || true
      rm -rf "${abs:?}"
    else
      echo "testbed: $abs is a directory but not a test bed's run directory; move it away" >&2
      return 1
    fi
  fi
  # Two up.sh starting together may both make the link: whoever loses finds the right link in place.
  [[ "$(readlink "$abs" 2>/dev/null)" == "$state" ]] || ln -sfn "$state" "$abs" 2>/dev/null || true
  if [[ "$(readlink "$abs" 2>/dev/null)" != "$state" ]]; then
    echo "testbed: could not make $abs a link to $state" >&2
    return 1
  fi
  echo "$state"
}
