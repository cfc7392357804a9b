#!/usr/bin/env bash
# What a browser downloads: every wasm and JavaScript file of the built site
# with its size as sent (the precompressed brotli and gzip copies a release
# build with --precompress writes), the split manifest (which chunks each
# lazily loaded screen needs), and the total a member's phone fetches before
# the login page and the My Page home work (the main wasm, its JavaScript and
# the split loader it imports; the chunks come later, when a screen needs
# them).
#
#   scripts/wasm-sizes.sh            # measures target/site as it is
#   scripts/wasm-sizes.sh --build    # builds the release site first
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --build ]; then
  cargo leptos build --release --precompress --split >/dev/null
fi
PKG=target/site/pkg
[ -d "$PKG" ] || { echo "no $PKG: build first (scripts/wasm-sizes.sh --build)" >&2; exit 1; }
size() { [ -f "$1" ] && stat -c%s "$1" || echo -; }
printf '%-58s %10s %10s %10s\n' file raw gzip brotli
first_raw=0 first_gz=0 first_br=0 all_br=0
chunks=0
for f in "$PKG"/*.wasm "$PKG"/*.js; do
  [ -f "$f" ] || continue
  name=$(basename "$f")
  # The shared chunks are many and small: counted, and listed per screen below.
  case "$name" in chunk_*) chunks=$((chunks + 1)); br=$(size "$f.br"); [ "$br" = - ] || all_br=$((all_br + br)); continue ;; esac
  raw=$(size "$f") gz=$(size "$f.gz") br=$(size "$f.br")
  printf '%-58s %10s %10s %10s\n' "$name" "$raw" "$gz" "$br"
  [ "$br" = - ] || all_br=$((all_br + br))
  case "$name" in
    mypage.*.wasm | mypage.*.js | mypage.wasm | mypage.js | mypage_bg.wasm | __wasm_split.*.js)
      first_raw=$((first_raw + raw))
      [ "$gz" = - ] || first_gz=$((first_gz + gz))
      [ "$br" = - ] || first_br=$((first_br + br))
      ;;
  esac
done
echo
printf 'first load (main wasm + JS + split loader): %s B raw, %s B gzip, %s B brotli\n' "$first_raw" "$first_gz" "$first_br"
printf 'every file together (%s shared chunks among them): %s B brotli\n' "$chunks" "$all_br"
manifest=$(ls "$PKG"/__wasm_split_manifest*.json 2>/dev/null | head -1 || true)
if [ -n "$manifest" ]; then
  echo
  echo "each lazily loaded screen, first opened: its chunks (shared ones counted for every screen that needs them)"
  node -e '
    const fs = require("fs"), path = require("path");
    const [manifest, pkg] = process.argv.slice(1);
    const size = (f) => { try { return fs.statSync(path.join(pkg, f)).size; } catch { return 0; } };
    const rows = Object.entries(JSON.parse(fs.readFileSync(manifest))).map(([k, chunks]) => {
      const sum = (ext) => chunks.reduce((n, c) => n + size(`${c}.wasm${ext}`), 0);
      return [k.replace(/^__/, "").replace(/_view_\d+$/, ""), chunks.length, sum(""), sum(".gz"), sum(".br")];
    }).sort((a, b) => b[4] - a[4]);
    console.log(`  ${"screen".padEnd(22)} ${"files".padStart(5)} ${"raw".padStart(9)} ${"gzip".padStart(9)} ${"brotli".padStart(9)}`);
    for (const r of rows) console.log(`  ${r[0].padEnd(22)} ${String(r[1]).padStart(5)} ${String(r[2]).padStart(9)} ${String(r[3]).padStart(9)} ${String(r[4]).padStart(9)}`);
  ' "$(realpath "$manifest")" "$PKG"
fi
