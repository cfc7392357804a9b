#!/usr/bin/env bash
# Lighthouse (mobile preset: a mid-range phone on a slow 4G network,
# simulated) on the login page, the My Page home, ご契約内容 and 手続き照会 of
# the release build, with Debian's Chromium. Prints performance,
# accessibility and best-practices scores and the main timings per page.
# Not part of the test command (goals: performance ≥ 95, the others 100).
#
#   scripts/lighthouse.sh                 # builds the release site first
#   LIGHTHOUSE_NO_BUILD=1 scripts/lighthouse.sh
#
# Lighthouse comes from npm (pinned below) into a cache of its own, once.
set -euo pipefail
cd "$(dirname "$0")/.."

# 12.x: the last line that supports Node 20 (13 asks for Node 22).
LIGHTHOUSE_VERSION=12.8.2
PORT=3520
BASE="http://127.0.0.1:$PORT"
TOOLS=${XDG_CACHE_HOME:-$HOME/.cache}/mypage-lighthouse-$LIGHTHOUSE_VERSION
if [ ! -x "$TOOLS/node_modules/.bin/lighthouse" ]; then
  echo "installing lighthouse $LIGHTHOUSE_VERSION (once)…" >&2
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund "lighthouse@$LIGHTHOUSE_VERSION" > /dev/null
fi
if [ "${LIGHTHOUSE_NO_BUILD:-}" != 1 ]; then
  cargo leptos build --release --precompress --split > /dev/null 2>&1
fi

WORK=$(mktemp -d /tmp/mypage-lighthouse.XXXXXX)
# The production server opens the staff TOTP secret seed-bench sealed: one key for both.
export MYPAGE_TOTP_KEY
MYPAGE_TOTP_KEY=$(head -c 32 /dev/urandom | base64)
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2> /dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/bin"
cp target/release/server target/release/hash.txt "$WORK/bin/"
cp -r target/site "$WORK/site"
DB="sqlite://$WORK/lh.db?mode=rwc"
MYPAGE_DEV=true DATABASE_URL="$DB" RUST_LOG=warn "$WORK/bin/server" seed-bench 100 > "$WORK/seed.txt"
DATABASE_URL="$DB" LEPTOS_SITE_ROOT="$WORK/site" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_ENV=PROD \
  MYPAGE_PUBLIC_URL="$BASE" MYPAGE_SMTP_URL=smtp://127.0.0.1:9 RUST_LOG=error \
  "$WORK/bin/server" > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 150); do curl -fs -o /dev/null "$BASE/faq" && break; sleep 0.2; done

JAR="$WORK/cookies"
printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tmypage_device\t%s\n' "$(sed -n 's/^device=//p' "$WORK/seed.txt")" > "$JAR"
curl -fs -o /dev/null -b "$JAR" -c "$JAR" -X POST -H "Origin: $BASE" "$BASE/api/login" \
  --data-urlencode "identifier=$(sed -n 's/^user_id=//p' "$WORK/seed.txt")" \
  --data-urlencode "password=$(sed -n 's/^password=//p' "$WORK/seed.txt")"
SESSION=$(awk '$6 == "mypage_session" {print $7}' "$JAR")
[ -n "$SESSION" ] || { echo "could not log the member in" >&2; exit 1; }

printf '%-22s %5s %5s %5s %8s %8s %8s %8s\n' page perf a11y bp FCP_ms LCP_ms TBT_ms CLS
for page in /:login /mypage:home /mypage/contracts:contracts /mypage/procedures:procedures; do
  path=${page%%:*} name=${page#*:}
  headers='{}'
  [ "$name" = login ] || headers="{\"Cookie\": \"mypage_session=$SESSION\"}"
  CHROME_PATH=/usr/bin/chromium "$TOOLS/node_modules/.bin/lighthouse" "$BASE$path" \
    --quiet --output=json --output-path="$WORK/$name.json" \
    --only-categories=performance,accessibility,best-practices \
    --extra-headers="$headers" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --no-first-run" > /dev/null 2>&1 \
    || { echo "$path: lighthouse failed" >&2; continue; }
  node -e '
    const r = require(process.argv[1]), c = r.categories, a = r.audits;
    const s = (k) => Math.round(c[k].score * 100);
    const ms = (k) => Math.round(a[k].numericValue);
    console.log([process.argv[2].padEnd(22), String(s("performance")).padStart(5),
      String(s("accessibility")).padStart(5), String(s("best-practices")).padStart(5),
      String(ms("first-contentful-paint")).padStart(8), String(ms("largest-contentful-paint")).padStart(8),
      String(ms("total-blocking-time")).padStart(8), a["cumulative-layout-shift"].numericValue.toFixed(3).padStart(8)].join(" "));
    for (const k of ["accessibility", "best-practices"]) for (const ref of c[k].auditRefs)
      if (a[ref.id].score !== null && a[ref.id].score < 1 && ref.weight > 0) console.log(`    ${k}: ${ref.id} — ${a[ref.id].title}`);
  ' "$WORK/$name.json" "$path"
done
