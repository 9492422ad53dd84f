#!/usr/bin/env bash
# Runs refdesk's browser tests: builds the binary (and with it the web UI) unless REFDESK_BIN
# points at one, installs the test dependencies, and runs `npm test` (node --test).
# Needs Node.js >= 18, npm and Debian's Chromium (apt-get install chromium).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

if [[ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]]; then
  echo "error: Chromium not found at ${CHROMIUM:-/usr/bin/chromium}; install it with: apt-get update && apt-get install -y chromium" >&2
  exit 1
fi
if [[ -z "${REFDESK_BIN:-}" ]]; then
  (cd "$root" && cargo build -p refdesk)
  export REFDESK_BIN="$root/target/debug/refdesk"
fi
cd "$here"
if [[ ! -d node_modules ]]; then
  npm ci --no-audit --no-fund
fi
npm test
