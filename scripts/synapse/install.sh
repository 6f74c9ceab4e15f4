#!/usr/bin/env bash
# Installs a real Synapse (Matrix homeserver) from PyPI into .cache/synapse-venv for the Matrix
# tests and the Matrix bench (../shared/reference/matrix.md §8). Idempotent: when the venv already
# has the pinned version it only says so. Prints how long each part took.
#
#   bash scripts/synapse/install.sh          # then: .cache/synapse-venv/bin/python -m synapse.app.homeserver
set -euo pipefail
cd "$(dirname "$0")/../.."
SYNAPSE_VERSION="1.163.2"
VENV=".cache/synapse-venv"
PY="$VENV/bin/python"
t0=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

installed_version() {
  [ -x "$PY" ] || return 1
  "$PY" -c 'import importlib.metadata as m; print(m.version("matrix-synapse"))' 2>/dev/null
}

if [ "$(installed_version || true)" = "$SYNAPSE_VERSION" ]; then
  echo "synapse: matrix-synapse $SYNAPSE_VERSION already in $VENV ($(elapsed "$t0") s)"
  exit 0
fi

if ! command -v python3 >/dev/null 2>&1; then
  echo "synapse: python3 is missing (apt-get install python3 python3-venv)" >&2
  exit 2
fi
# Synapse 1.163 needs Python 3.10+ (wheels are abi3 cp310+ manylinux: no Rust toolchain needed).
if ! python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  echo "synapse: python3 $(python3 -V 2>&1) is too old; Synapse $SYNAPSE_VERSION needs Python >= 3.10" >&2
  exit 2
fi

mkdir -p .cache
if [ ! -x "$PY" ]; then
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    rm -rf "$VENV"
    echo "synapse: python3 -m venv failed; installing python3-venv from apt"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    pyver=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv "python$pyver-venv" >/dev/null \
      || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    python3 -m venv "$VENV"
  fi
  echo "synapse: venv created in $VENV ($(elapsed "$t0") s)"
fi

t1=$(date +%s.%N)
"$PY" -m pip install --quiet --disable-pip-version-check --no-input "matrix-synapse==$SYNAPSE_VERSION"
got=$(installed_version || true)
if [ "$got" != "$SYNAPSE_VERSION" ]; then
  echo "synapse: expected matrix-synapse $SYNAPSE_VERSION in $VENV, found '${got:-nothing}'" >&2
  exit 1
fi
echo "synapse: pip install matrix-synapse==$SYNAPSE_VERSION took $(elapsed "$t1") s (total $(elapsed "$t0") s)"
