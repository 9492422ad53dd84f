#!/usr/bin/env bash
# The whole refdesk test suite: formatting and lints first (cargo fmt --check, clippy with
# warnings as errors), then three parts:
#   1. every Rust test on the embedded default (SQLite); PostgreSQL-only tests show as ignored;
#   2. when REFDESK_TEST_DATABASE_URL is set (and REFDESK_TEST_NATS_URL for the multi-node
#      tests), the store conformance suite, the server integration suite and the multi-node
#      tests again on PostgreSQL (+ NATS);
#   3. the browser tests (e2e/, Debian's Chromium driven by playwright-core).
# Each part fails loudly; nothing is skipped silently.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== Rust tests on SQLite"
env -u REFDESK_TEST_DATABASE_URL -u REFDESK_TEST_NATS_URL cargo test --workspace --locked

if [[ -n "${REFDESK_TEST_DATABASE_URL:-}" ]]; then
  echo "== Rust tests on PostgreSQL${REFDESK_TEST_NATS_URL:+ with NATS}"
  cargo test --locked -p refdesk-store-postgres -p refdesk-server -p refdesk -- --include-ignored
else
  echo "== PostgreSQL and multi-node tests not run: set REFDESK_TEST_DATABASE_URL (and REFDESK_TEST_NATS_URL) to run them"
fi

echo "== Browser tests"
REFDESK_BIN="$(pwd)/target/debug/refdesk" bash e2e/run.sh
