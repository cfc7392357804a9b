#!/usr/bin/env bash
# What a browser downloads: every wasm and JavaScript file of the built site
# with its size as sent (the precompressed brotli and gzip copies a release
# build with --precompress writes), the split manifest (which chunks each
# lazily loaded screen needs), and the total a member's phone fetches before
# the login page and the My Page home work (the main wasm and JavaScript; the
# chunks come later, when a screen needs them).
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
for f in "$PKG"/*.wasm "$PKG"/*.js; do
  [ -f "$f" ] || continue
  name=$(basename "$f")
  raw=$(size "$f") gz=$(size "$f.gz") br=$(size "$f.br")
  printf '%-58s %10s %10s %10s\n' "$name" "$raw" "$gz" "$br"
  [ "$br" = - ] || all_br=$((all_br + br))
  case "$name" in
    mypage.*.wasm | mypage.*.js | mypage.wasm | mypage.js | mypage_bg.wasm)
      first_raw=$((first_raw + raw))
      [ "$gz" = - ] || first_gz=$((first_gz + gz))
      [ "$br" = - ] || first_br=$((first_br + br))
      ;;
  esac
done
echo
printf 'first load (main wasm + JS): %s B raw, %s B gzip, %s B brotli\n' "$first_raw" "$first_gz" "$first_br"
printf 'every file together: %s B brotli\n' "$all_br"
manifest=$(ls "$PKG"/__wasm_split_manifest*.json 2>/dev/null | head -1 || true)
if [ -n "$manifest" ]; then
  echo
  echo "split manifest ($(basename "$manifest")): lazy function -> chunks"
  node -e '
    const m = require(process.argv[1]);
    for (const [k, v] of Object.entries(m).sort()) console.log(`  ${k.replace(/_\d+$/, "")}: ${v.join(", ")}`);
  ' "$(realpath "$manifest")"
fi
