#!/usr/bin/env bash
# Runs a command against a REAL, throwaway Secret Service: its own D-Bus session bus
# (dbus-run-session) with a fresh gnome-keyring-daemon unlocked by a random password, in a
# temporary HOME/XDG tree that is deleted afterwards. Tests that need the OS keychain run through
# this script (scripts/test.sh wraps vitest with it); they fail with a pointer here when not.
#
#   bash scripts/with-keyring.sh npx vitest run main/engine/backup tests/integration/backup
#
# Nothing of the user's own keyring is touched: HOME, XDG_DATA_HOME (where keyrings live),
# XDG_RUNTIME_DIR (the daemon's control socket) and XDG_CONFIG_HOME point into the temp tree.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: bash scripts/with-keyring.sh COMMAND [ARGS...]" >&2
  exit 2
fi

if [ "${PEREEZD_KEYRING_INNER:-}" != "1" ]; then
  for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "with-keyring.sh: $tool is missing (apt-get install dbus dbus-x11 gnome-keyring)" >&2
      exit 2
    fi
  done
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/pereezd-keyring.XXXXXX")
  chmod 700 "$tmp"
  cleanup() { rm -rf "$tmp"; }
  trap cleanup EXIT
  mkdir -m 700 -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
  # The real HOME stays reachable for tools that need it (npm cache, Playwright browsers).
  export PEREEZD_REAL_HOME="${PEREEZD_REAL_HOME:-$HOME}"
  export npm_config_cache="${npm_config_cache:-$HOME/.npm}"
  export PLAYWRIGHT_BROWSERS_PATH="${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"
  export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime"
  export PEREEZD_KEYRING_INNER=1
  status=0
  dbus-run-session -- bash "$0" "$@" || status=$?
  exit $status
fi

# --- inside the private session bus ----------------------------------------------------------
pw=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
# --unlock reads the password from stdin and creates/unlocks the login keyring with it;
# --components=secrets: only the Secret Service (no ssh/gpg agents). The daemon forks; it lives
# on this private bus and goes away with it.
if ! daemon_env=$(printf '%s' "$pw" | gnome-keyring-daemon --unlock --components=secrets --daemonize); then
  unset pw
  echo "with-keyring.sh: gnome-keyring-daemon did not start" >&2
  exit 2
fi
unset pw
# Some versions print GNOME_KEYRING_CONTROL=... (and the pid); export whatever it says.
while IFS= read -r line; do
  case "$line" in
    GNOME_KEYRING_*=*) export "${line?}" ;;
  esac
done <<<"$daemon_env"

# Wait until org.freedesktop.secrets answers on the bus (the daemon registers asynchronously).
ready=0
for _ in $(seq 1 50); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    ready=1
    break
  fi
  sleep 0.1
done
if [ "$ready" != 1 ]; then
  echo "with-keyring.sh: the Secret Service (org.freedesktop.secrets) did not appear on the session bus" >&2
  exit 2
fi

# Tests check this marker to know they talk to this throwaway keyring, not a user's real one.
export PEREEZD_TEST_KEYRING=1
set +e
"$@"
status=$?
set -e
# dbus-run-session ends the bus when we return; stop the daemon explicitly as well.
if [ -n "${GNOME_KEYRING_PID:-}" ]; then kill "$GNOME_KEYRING_PID" 2>/dev/null || true; fi
exit $status
