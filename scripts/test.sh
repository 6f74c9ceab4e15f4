#!/usr/bin/env bash
# The one test command (README, `npm test`, .ci/run): installs what the tests need and is missing,
# then typecheck, lint, unit + integration (vitest) and end-to-end (Playwright in Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export ELECTRON_SKIP_BINARY_DOWNLOAD=1   # the Electron binary is not needed by any test (see README)
export PEREEZD_E2E=1

step() { printf '\n=== %s ===\n' "$*"; }

# --- system packages -------------------------------------------------------------------------
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi dejavu || need_apt+=(fonts-dejavu-core)
fc-list 2>/dev/null | grep -qi "color emoji" || need_apt+=(fonts-noto-color-emoji)
# Backup tests: the age reference CLI, unzip, and a real Secret Service (scripts/with-keyring.sh).
command -v age >/dev/null 2>&1 || need_apt+=(age)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
command -v gnome-keyring-daemon >/dev/null 2>&1 || need_apt+=(gnome-keyring)
{ command -v dbus-run-session && command -v dbus-send; } >/dev/null 2>&1 || need_apt+=(dbus)
command -v dbus-launch >/dev/null 2>&1 || need_apt+=(dbus-x11)
command -v secret-tool >/dev/null 2>&1 || need_apt+=(libsecret-tools)
if [ ${#need_apt[@]} -gt 0 ]; then
  step "installing system packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# --- node packages ---------------------------------------------------------------------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund
fi

mkdir -p out/reports
step "build"
node scripts/build.mjs

step "typecheck (tsc -b, one project per runtime folder)"
npx tsc -b

step "lint (eslint + dependency zones)"
npm run -s lint

step "Synapse for the Matrix tests (PyPI, pinned, into .cache/synapse-venv)"
bash scripts/synapse/install.sh

step "unit + integration (vitest)"
bash scripts/with-keyring.sh npx vitest run --reporter=default --reporter=json --outputFile.json=out/reports/vitest.json

step "end-to-end (Playwright, Chromium)"
bash scripts/with-keyring.sh npx playwright test

node scripts/test-summary.mjs out/reports/vitest.json out/reports/playwright.json
