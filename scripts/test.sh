#!/usr/bin/env bash
# Sets up what is missing, then runs every check: formatting, lints, Rust tests
# (SQLite and PostgreSQL) and the Playwright end-to-end tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

# A clean clone gains nothing from incremental artefacts: they only double the
# disk the build needs (a CI run once died of a full disk).
if [ "${CI:-}" = true ]; then export CARGO_INCREMENTAL=0; fi

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

step "cargo fmt"
cargo fmt --all -- --check

step "clippy (server side, browser side)"
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p server -p migration --all-targets -- -D warnings
cargo clippy -p frontend -p app --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

step "PostgreSQL for the tests"
TEST_DATABASE_URL=$(scripts/test-db.sh)
export TEST_DATABASE_URL

step "Rust tests (SQLite and PostgreSQL)"
# The app crate holds every test (server and migration only wire and declare).
# The server is built alongside, with its features as cargo-leptos builds it,
# so the site build below compiles only the server's own crate and the wasm
# instead of every dependency again.
cargo test -p app -p server --no-default-features --features app/ssr --lib --bins --tests

step "build the site"
cargo leptos build --split

step "Playwright (Chromium, phone and PC widths)"
cd end2end
status=0
npx playwright test || status=$?
# One plain closing line: how many end-to-end tests passed, were flaky (passed
# only on a retry; retries are off, so this stays 0 unless someone turns them
# on) and failed.
node -e '
  const s = require("./test-results/results.json").stats;
  console.log(`playwright: ${s.expected} passed, ${s.flaky} flaky, ${s.unexpected} failed`);
' || true
exit "$status"
