#!/usr/bin/env bash
# Login storm benchmark (issue 9): 500 parallel logins for an unknown user ID
# while a logged-in member keeps loading the My Page home. Reports the
# server's peak memory (VmHWM) and the p99 of the page before and during the
# storm, and how the logins were answered (401 wrong, 503 busy).
#
#   scripts/bench-login-storm.sh            # the release build if there is one, else debug
#   LOGINS=300 PAGE_CONNS=16 scripts/bench-login-storm.sh
#
# Needs `hey` (apt-get install hey) and a built site (`cargo leptos build
# [--release]`). Runs its own server on 127.0.0.1:3900 with a throwaway
# SQLite database; the per-address throttle is raised so the storm reaches
# the password hashing (every request comes from 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."

LOGINS=${LOGINS:-500}
PAGE_CONNS=${PAGE_CONNS:-16}
PORT=3900
BASE="http://127.0.0.1:$PORT"
command -v hey > /dev/null || { echo "needs hey: apt-get install hey" >&2; exit 1; }

BIN=target/release/server
SITE=target/site
[ -x "$BIN" ] || BIN=target/debug/server
[ -x "$BIN" ] || { echo "build first: cargo leptos build --release" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'kill "$SERVER" 2> /dev/null || true; rm -rf "$WORK"' EXIT
DATABASE_URL="sqlite://$WORK/bench.db?mode=rwc" MYPAGE_DEV=true MYPAGE_DEMO_DATA=true \
  MYPAGE_IP_TRIES_PER_MINUTE=1000000 LEPTOS_SITE_ROOT=$SITE LEPTOS_SITE_ADDR=127.0.0.1:$PORT \
  MYPAGE_PUBLIC_URL=$BASE RUST_LOG=error "$BIN" > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -fs "$BASE/faq" > /dev/null 2>&1 && break; sleep 0.2; done

# A member with a confirmed browser, logged in: the page under load.
member=$(curl -fs -X POST "$BASE/dev/seed/member" -d known_browser=true)
field() { printf '%s' "$member" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
JAR=$WORK/cookies
printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tmypage_device\t%s\n' "$(field device)" > "$JAR"
curl -fs -o /dev/null -b "$JAR" -c "$JAR" -X POST "$BASE/api/login" \
  --data-urlencode "identifier=$(field user_id)" --data-urlencode "password=$(field password)"
SESSION=$(awk '$6 == "mypage_session" {print $7}' "$JAR")
[ -n "$SESSION" ] || { echo "could not log the member in" >&2; exit 1; }

rss() { awk '/VmHWM/ {print $2}' "/proc/$SERVER/status"; }
p99() { awk '/99%/ {print $3 * 1000 " ms"}' "$1"; }

echo "server: $BIN, pid $SERVER; peak memory at start: $(( $(rss) / 1024 )) MiB"
hey -z 5s -c "$PAGE_CONNS" -H "Cookie: mypage_session=$SESSION" "$BASE/mypage" > "$WORK/before.txt"
echo "My Page home, $PAGE_CONNS connections, no storm: p99 $(p99 "$WORK/before.txt"); peak memory so far: $(( $(rss) / 1024 )) MiB"

# The storm, and the page measured at the same time.
hey -z 8s -c "$PAGE_CONNS" -H "Cookie: mypage_session=$SESSION" "$BASE/mypage" > "$WORK/during.txt" &
PAGE=$!
sleep 1
hey -n "$LOGINS" -c "$LOGINS" -m POST -T application/x-www-form-urlencoded \
  -d 'identifier=nobody.at.all&password=not-the-password-1234' "$BASE/api/login" > "$WORK/storm.txt"
wait "$PAGE"
echo "My Page home during $LOGINS parallel logins: p99 $(p99 "$WORK/during.txt")"
echo "login answers:"; sed -n '/Status code distribution/,/^$/p' "$WORK/storm.txt" | tail -n +2
echo "login latency p99: $(p99 "$WORK/storm.txt")"
echo "peak server memory (VmHWM): $(( $(rss) / 1024 )) MiB"
