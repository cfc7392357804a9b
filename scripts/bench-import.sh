#!/usr/bin/env bash
# Members CSV import benchmark (issue 10): generates ROWS members as a CP932
# export (the core system's usual encoding), imports them with
# `server import-members` into a fresh SQLite database (and PostgreSQL when
# BENCH_DATABASE_URL names an empty one), imports the same file again (all
# unchanged), and reports the time and the peak memory (maximum RSS).
#
#   scripts/bench-import.sh                      # 100,000 rows, the release build if there is one
#   ROWS=300000 scripts/bench-import.sh
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:55432/bench scripts/bench-import.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-100000}
BIN=target/release/server
[ -x "$BIN" ] || BIN=target/debug/server
[ -x "$BIN" ] || { echo "build first: cargo build --release -p server" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CSV=$WORK/members.csv
python3 - "$ROWS" "$CSV" <<'PY'
import sys
rows, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w", encoding="cp932", newline="") as f:
    f.write("組合員番号,氏名,フリガナ,生年月日,郵便番号,都道府県,住所1,住所2,電話番号,勤務先,出資金払込日,出資金額\r\n")
    for i in range(rows):
        n = 500000000 + i
        f.write(f"{n // 100000:04d}-{n % 100000:05d},共済 太郎{i},キョウサイ タロウ,1980/4/{i % 28 + 1},330-0064,"
                f"埼玉県,さいたま市浦和区岸町{i % 50 + 1}-{i % 9 + 1},みらいハイツ{i % 300},048-123-4567,埼玉県庁,2026/11/1,1000\r\n")
PY
echo "file: $ROWS rows, $(du -h "$CSV" | cut -f1) (CP932); binary: $BIN"

bench() { # label, database URL
  for pass in first again; do
    out=$( { /usr/bin/time -f '%e s, max RSS %M KiB' env DATABASE_URL="$2" MYPAGE_DEV=true RUST_LOG=error \
      "$BIN" import-members "$CSV" 2> "$WORK/err" | tail -1; tail -1 "$WORK/err"; } )
    echo "$1 ($pass): $(echo "$out" | tr '\n' ' ')"
  done
}
bench SQLite "sqlite://$WORK/bench.db?mode=rwc"
if [ -n "${BENCH_DATABASE_URL:-}" ]; then bench PostgreSQL "$BENCH_DATABASE_URL"; fi
