#!/usr/bin/env bash
# Server throughput and latency (issue 13). Not part of the test command.
#
# Builds the release site, installs it the way the README's Deploy section
# says (the binary with hash.txt beside it, the site directory,
# LEPTOS_SITE_ROOT, production settings on a loopback address), seeds
# BENCH_MEMBERS members with `server seed-bench`, logs the first one in, and
# drives pages with `hey` at 16 and 64 connections. In the same run it drives
# two baselines (server/examples/baseline.rs): bare axum answering the same
# bytes, and bare axum doing the same database work by hand with plain sqlx.
# Prints req/s, p50 and p99 for each, and the ratios; then the My Page home's
# p99 while 200 logins arrive at once; then the staff member search (an
# operator logged in with its second factor) and logins that succeed, the
# figures issue 13 compares between 1,000 and 1,000,000 members. SQLite
# always; PostgreSQL at BENCH_DATABASE_URL (a server URL; a fresh database is
# made there), or the test server scripts/test-db.sh starts.
#
#   scripts/bench.sh                       # 1,000 members, 8 s per measurement
#   BENCH_MEMBERS=1000000 BENCH_ONLY=postgres scripts/bench.sh
#   BENCH_NO_BUILD=1 scripts/bench.sh      # the site built last time
#   BENCH_PART=search scripts/bench.sh     # only the staff search and logins
#
# Needs `hey` (Debian: apt-get install hey). The load tool runs on the same
# 2-core machine as the server, so absolute numbers are low; the ratios are
# the point.
set -euo pipefail
cd "$(dirname "$0")/.."

MEMBERS=${BENCH_MEMBERS:-1000}
SECONDS_EACH=${BENCH_SECONDS:-8}
ONLY=${BENCH_ONLY:-}
PART=${BENCH_PART:-all}
PORT=3510
BASE_PORT=3590
command -v hey > /dev/null || { echo "needs hey: apt-get install hey" >&2; exit 1; }

if [ "${BENCH_NO_BUILD:-}" != 1 ]; then
  echo "building the release site and the baseline…" >&2
  cargo leptos build --release --precompress --split > /dev/null 2>&1
fi
[ "$PART" = search ] || cargo build --release -p server --example baseline > /dev/null 2>&1

WORK=$(mktemp -d /tmp/mypage-bench.XXXXXX)
# The production server opens the staff TOTP secret seed-bench sealed: one key for both.
export MYPAGE_TOTP_KEY
MYPAGE_TOTP_KEY=$(head -c 32 /dev/urandom | base64)
SERVER= BASELINE=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2> /dev/null || true
  [ -n "$BASELINE" ] && kill "$BASELINE" 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Installed as in the README's Deploy section.
mkdir -p "$WORK/bin"
cp target/release/server target/release/hash.txt "$WORK/bin/"
cp -r target/site "$WORK/site"

# hey's summary → "req/s p50_ms p99_ms".
summary() {
  awk '/Requests\/sec:/ {rps = $2}
       /50% in/ {p50 = $3 * 1000}
       /99% in/ {p99 = $3 * 1000}
       END {printf "%.0f %.1f %.1f\n", rps, p50, p99}' "$1"
}
# hey's status codes → "[200] 40, [503] 2".
answers() {
  awk '/Status code distribution/ {on = 1; next}
       on && !NF {on = 0}
       on {printf "%s%s %s", sep, $1, $2; sep = ", "}' "$1"
}
load() { # name url conns [cookie: name=value]
  local out="$WORK/$1-$3.txt"
  if [ -n "${4:-}" ]; then
    hey -z "${SECONDS_EACH}s" -c "$3" -H "Cookie: $4" -H 'Accept-Encoding: gzip' "$2" > "$out"
  else
    hey -z "${SECONDS_EACH}s" -c "$3" -H 'Accept-Encoding: gzip' "$2" > "$out"
  fi
  if ! grep -q '\[200\]' "$out"; then
    echo "  $2 did not answer 200:" >&2
    sed -n '/Status code distribution/,/^$/p' "$out" >&2
  fi
  summary "$out"
}
# The current code of a base32 TOTP secret, as an authenticator app shows it.
totp() {
  node -e '
    const c = require("crypto"), s = process.argv[1].replace(/=+$/, "");
    let bits = "";
    for (const ch of s) bits += "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".indexOf(ch).toString(2).padStart(5, "0");
    const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
    const h = c.createHmac("sha1", key).update(counter).digest(), o = h[h.length - 1] & 15;
    console.log(String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, "0"));
  ' "$1"
}
urlencode() { node -e 'console.log(encodeURIComponent(process.argv[1]))' "$1"; }
# One line of what `server seed-bench` printed (`name=value`).
seeded() { sed -n "s/^$1=//p" "$WORK/seed.txt"; }
wait_for() { for _ in $(seq 150); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1" >&2; return 1; }

# PostgreSQL query plans, with their times, of the staff member search (a
# kana part, a name, a number) and of what a member's pages read per member.
plans() { # database_url
  local url=$1 kana name number id
  psql "$url" -qc "ANALYZE" > /dev/null
  kana=$(psql "$url" -Atc "SELECT replace(name_kana, '　', '') FROM members ORDER BY id DESC LIMIT 1")
  name=$(psql "$url" -Atc "SELECT name FROM members ORDER BY id DESC LIMIT 1")
  number=$(psql "$url" -Atc "SELECT member_number FROM members ORDER BY id DESC LIMIT 1")
  id=$(psql "$url" -Atc "SELECT id FROM members ORDER BY id DESC LIMIT 1")
  # The search's two reads (staff::ssr::office::search_reads): exact
  # matches, then at most 201 partial ones, unsorted; names and kana
  # without their spaces.
  local name_c="REPLACE(REPLACE(name, ' ', ''), '　', '')"
  local kana_c="REPLACE(REPLACE(name_kana, ' ', ''), '　', '')"
  for q in "$kana" "$name" 試験七; do
    echo "--- staff search '$q': exact name or kana"
    psql "$url" -Atc "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM members \
      WHERE $name_c = '$q' OR $kana_c = '$q' LIMIT 200"
    echo "--- staff search '$q': partial name or kana"
    psql "$url" -Atc "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM members \
      WHERE $name_c LIKE '%$q%' ESCAPE '\\' OR $kana_c LIKE '%$q%' ESCAPE '\\' LIMIT 201"
  done
  echo "--- staff search by number"
  psql "$url" -Atc "EXPLAIN (ANALYZE, COSTS OFF) SELECT * FROM members WHERE member_number = '$number'"
  for t in contracts procedures statements; do
    echo "--- a member's $t"
    psql "$url" -Atc "EXPLAIN (ANALYZE, COSTS OFF) SELECT * FROM $t WHERE member_id = $id"
  done
  for t in contract_courses contract_riders; do
    echo "--- a member's $t"
    psql "$url" -Atc "EXPLAIN (ANALYZE, COSTS OFF) SELECT * FROM $t \
      WHERE contract_id IN (SELECT id FROM contracts WHERE member_id = $id)"
  done
}

bench_on() { # backend database_url
  local backend=$1 url=$2 base="http://127.0.0.1:$PORT"
  echo
  echo "=== $backend, $MEMBERS members ==="
  local started=$SECONDS
  MYPAGE_DEV=true DATABASE_URL="$url" RUST_LOG=warn "$WORK/bin/server" seed-bench "$MEMBERS" > "$WORK/seed.txt"
  echo "seeded in $((SECONDS - started)) s"
  if [ "$backend" = postgres ]; then
    # A database in service has been vacuumed; a freshly loaded one is, by
    # autovacuum, for minutes, on the same two cores as the measurements.
    started=$SECONDS
    psql "$url" -qc "VACUUM (ANALYZE)" > /dev/null
    echo "vacuumed in $((SECONDS - started)) s"
  fi
  local user_id password device
  user_id=$(seeded user_id)
  password=$(seeded password)
  device=$(seeded device)

  DATABASE_URL="$url" LEPTOS_SITE_ROOT="$WORK/site" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
    LEPTOS_ENV=PROD MYPAGE_PUBLIC_URL="$base" MYPAGE_SMTP_URL=smtp://127.0.0.1:9 \
    MYPAGE_IP_TRIES_PER_MINUTE=1000000 MYPAGE_SESSION_MAX_AGE=12h RUST_LOG=error \
    "$WORK/bin/server" > "$WORK/server-$backend.log" 2>&1 &
  SERVER=$!
  wait_for "$base/faq"
  local jar="$WORK/cookies"
  printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tmypage_device\t%s\n' "$device" > "$jar"
  curl -fs -o /dev/null -b "$jar" -c "$jar" -X POST -H "Origin: $base" "$base/api/login" \
    --data-urlencode "identifier=$user_id" --data-urlencode "password=$password"
  local session
  session=$(awk '$6 == "mypage_session" {print $7}' "$jar")
  [ -n "$session" ] || { echo "could not log $user_id in" >&2; exit 1; }

  # The bytes each page answers, for the same-bytes baseline.
  mkdir -p "$WORK/bodies"
  for p in home:/mypage contracts:/mypage/contracts procedures:/mypage/procedures; do
    curl -fs -H "Cookie: mypage_session=$session" "$base${p#*:}" > "$WORK/bodies/${p%%:*}.html"
  done
  curl -fs "$base/" > "$WORK/bodies/login.html"
  curl -fs "$base/faq" > "$WORK/bodies/faq.html"

  if [ "$PART" != search ]; then
  DATABASE_URL="$url" BASELINE_ADDR="127.0.0.1:$BASE_PORT" BASELINE_BODIES="$WORK/bodies" \
    target/release/examples/baseline > "$WORK/baseline-$backend.log" 2>&1 &
  BASELINE=$!
  wait_for "http://127.0.0.1:$BASE_PORT/bytes/login"
  # The baseline touches the same session: it must still be valid there.
  curl -fs -o /dev/null -H "Cookie: mypage_session=$session" "http://127.0.0.1:$BASE_PORT/work/home"

  printf '%-34s %5s %9s %8s %8s %10s %10s\n' page conns req/s p50_ms p99_ms vs_bytes vs_work
  for conns in 16 64; do
    for p in home:/mypage contracts:/mypage/contracts procedures:/mypage/procedures login:/ faq:/faq; do
      local name=${p%%:*} path=${p#*:} cookie=
      case $name in home | contracts | procedures) cookie="mypage_session=$session" ;; esac
      read -r rps p50 p99 < <(load "$name" "$base$path" "$conns" "$cookie")
      read -r brps _ _ < <(load "bytes-$name" "http://127.0.0.1:$BASE_PORT/bytes/$name" "$conns")
      local wratio=-
      if [ -n "$cookie" ]; then
        read -r wrps _ _ < <(load "work-$name" "http://127.0.0.1:$BASE_PORT/work/$name" "$conns" "$cookie")
        wratio=$(awk -v a="$rps" -v b="$wrps" 'BEGIN {printf "%.0f%% (%s)", 100 * a / b, b}')
      fi
      local bratio
      bratio=$(awk -v a="$rps" -v b="$brps" 'BEGIN {printf "%.1f%% (%s)", 100 * a / b, b}')
      printf '%-34s %5s %9s %8s %8s %10s %10s\n' "$path" "$conns" "$rps" "$p50" "$p99" "$bratio" "$wratio"
    done
  done

  # A login storm: 200 logins at once while a member loads the home. One
  # storm's p99 moves by ±40 % between runs (the storm covers a second or two
  # of the six measured), so three storms, each against the quiet p99 just
  # before it, and the median of the three ratios.
  local ratios=()
  for round in 1 2 3; do
    read -r _ _ quiet < <(load "storm-before-$round" "$base/mypage" 16 "mypage_session=$session")
    hey -z 6s -c 16 -H "Cookie: mypage_session=$session" "$base/mypage" > "$WORK/storm-page.txt" &
    local page=$!
    sleep 1
    hey -n 200 -c 200 -m POST -T application/x-www-form-urlencoded -H "Origin: $base" \
      -d 'identifier=nobody.at.all&password=not-the-password-1234' "$base/api/login" > "$WORK/storm.txt"
    wait "$page"
    read -r _ _ during < <(summary "$WORK/storm-page.txt")
    local answers
    answers=$(answers "$WORK/storm.txt")
    ratios+=("$(awk -v q="$quiet" -v d="$during" 'BEGIN {printf "%.2f", d / q}')")
    awk -v r="$round" -v q="$quiet" -v d="$during" -v a="$answers" \
      'BEGIN {printf "login storm %s (200 at once): My Page home p99 %.1f ms → %.1f ms (%.1f×); logins answered %s\n", r, q, d, d / q, a}'
  done
  printf '%s\n' "${ratios[@]}" | sort -n | awk 'NR == 2 {printf "login storm, median of the three: %.1f× the quiet p99\n", $1}'
  fi

  # The staff member search, as an operator logged in with the second factor
  # opens it: a member number and a full name (one hit at any size: the like
  # for like between 1,000 and 1,000,000 members), a full kana name (one hit
  # among 1,000 members, 125 among 1,000,000) and a name part (all 111 among
  # 1,000; the first 200 of 111,111 among 1,000,000).
  local sjar="$WORK/staff-cookies" staff
  curl -fs -o /dev/null -b "$sjar" -c "$sjar" -X POST -H "Origin: $base" "$base/api/staff/login" \
    --data-urlencode "login_id=$(seeded staff_login_id)" --data-urlencode "password=$(seeded staff_password)"
  curl -fs -o /dev/null -b "$sjar" -c "$sjar" -X POST -H "Origin: $base" "$base/api/staff/second_factor/verify" \
    --data-urlencode "code=$(totp "$(seeded staff_totp_secret)")"
  staff=$(awk '$6 == "mypage_staff" {print $7}' "$sjar")
  [ -n "$staff" ] || { echo "could not log the operator in" >&2; exit 1; }
  # (The query last: printf pads by bytes, not by the width of Japanese.)
  printf '%5s %9s %8s %8s  %s\n' conns req/s p50_ms p99_ms "staff search"
  for q in 900000000 試験〇 サトウアアア 試験七; do
    read -r rps p50 p99 < <(load "search-$q" "$base/staff/members?q=$(urlencode "$q")" 16 "mypage_staff=$staff")
    printf '%5s %9s %8s %8s  %s\n' 16 "$rps" "$p50" "$p99" "/staff/members?q=$q"
  done
  # Logins that succeed (the first member from its known browser), two at a
  # time: each is one argon2 hash on a core of its own. Last, as they start
  # sessions of their own.
  hey -n 100 -c 2 -m POST -T application/x-www-form-urlencoded -H "Origin: $base" \
    -H "Cookie: mypage_device=$device" \
    -d "identifier=$(urlencode "$user_id")&password=$(urlencode "$password")" "$base/api/login" > "$WORK/login.txt"
  read -r rps p50 p99 < <(summary "$WORK/login.txt")
  printf '%-34s %5s %9s %8s %8s  (answers: %s)\n' "POST /api/login (right password)" 2 "$rps" "$p50" "$p99" \
    "$(answers "$WORK/login.txt")"
  echo "peak server memory (VmHWM): $(( $(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status") / 1024 )) MiB"
  [ "$backend" = postgres ] && plans "$url"

  kill "$SERVER" ${BASELINE:+"$BASELINE"} 2> /dev/null || true
  wait "$SERVER" "$BASELINE" 2> /dev/null || true
  SERVER= BASELINE=
}

echo "machine: $(nproc) cores; hey and the servers share them"
if [ "$ONLY" != postgres ]; then
  bench_on sqlite "sqlite://$WORK/bench.db?mode=rwc"
fi
if [ "$ONLY" != sqlite ]; then
  PG=${BENCH_DATABASE_URL:-$(scripts/test-db.sh)}
  DB="mypage_bench_$$"
  psql "$PG" -qc "CREATE DATABASE $DB TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'" > /dev/null
  bench_on postgres "${PG%/*}/$DB"
  psql "$PG" -qc "DROP DATABASE IF EXISTS $DB" > /dev/null
fi
