#!/usr/bin/env bash
# Statements / payments import benchmark (issue 12): MEMBERS members (taken
# in first with `server import-members`), then one month's statements of
# LINES_PER_MEMBER lines each (1,000,000 lines by default) as a CP932
# export with `server import-statements`, the same month sent again (every
# statement replaced), and the month's payments. SQLite always; PostgreSQL
# too when BENCH_DATABASE_URL names an empty database. Prints the importer's
# own line (rows, seconds, rows/s) and the peak memory (maximum RSS).
#
#   cargo build --release -p server && scripts/bench-money-import.sh
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:55432/bench scripts/bench-money-import.sh
set -euo pipefail
cd "$(dirname "$0")/.."

MEMBERS=${MEMBERS:-100000}
LINES_PER_MEMBER=${LINES_PER_MEMBER:-10}
BIN=target/release/server
[ -x "$BIN" ] || BIN=target/debug/server
[ -x "$BIN" ] || { echo "build first: cargo build --release -p server" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$MEMBERS" "$LINES_PER_MEMBER" "$WORK" <<'PY'
import sys
members, per, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def number(i):
    n = 500000000 + i
    return f"{n // 100000:04d}-{n % 100000:05d}"
with open(f"{work}/members.csv", "w", encoding="cp932", newline="") as f:
    f.write("組合員番号,氏名,フリガナ,生年月日,郵便番号,都道府県,住所1,住所2,電話番号,勤務先,出資金払込日,出資金額\r\n")
    for i in range(members):
        f.write(f"{number(i)},共済 太郎{i},キョウサイ タロウ,1980/4/{i % 28 + 1},330-0064,埼玉県,"
                f"さいたま市浦和区岸町{i % 50 + 1},,048-123-4567,,2026/11/1,1000\r\n")
items = ["お米 5kg", "トイレットペーパー 12ロール", "洗濯用洗剤", "冷凍うどん 5食", "牛乳 1L"]
with open(f"{work}/statements.csv", "w", encoding="cp932", newline="") as f:
    f.write("組合員番号,請求月,区分,契約番号,内容,利用日,金額\r\n")
    for i in range(members):
        f.write(f"{number(i)},2026-11,共済掛金,K-{i:08d},総合保障型2型,,2000\r\n")
        for j in range(per - 1):
            f.write(f"{number(i)},2026-11,購買,,{items[j % len(items)]},2026-10-{j % 20 + 1:02d},{100 + j * 10}\r\n")
with open(f"{work}/payments.csv", "w", encoding="cp932", newline="") as f:
    f.write("組合員番号,請求月,入金日,金額,入金方法\r\n")
    for i in range(members):
        f.write(f"{number(i)},2026-11,2026-11-20,3000,口座振替\r\n")
PY
echo "members $MEMBERS; statement lines $((MEMBERS * LINES_PER_MEMBER)) ($(du -h "$WORK/statements.csv" | cut -f1), CP932); binary: $BIN"

run() { # label, database URL, command, file
  out=$( { /usr/bin/time -f 'max RSS %M KiB' env DATABASE_URL="$2" MYPAGE_DEV=true RUST_LOG=error \
    "$BIN" "$3" "$4" 2> "$WORK/err" | grep " 行(" ; tail -1 "$WORK/err"; } )
  echo "$1 $3: $(echo "$out" | tr '\n' ' ')"
}
bench() { # label, database URL
  run "$1" "$2" import-members "$WORK/members.csv"
  run "$1" "$2" import-statements "$WORK/statements.csv"
  run "$1 (again: every statement replaced)" "$2" import-statements "$WORK/statements.csv"
  run "$1" "$2" import-payments "$WORK/payments.csv"
}
bench SQLite "sqlite://$WORK/bench.db?mode=rwc"
if [ -n "${BENCH_DATABASE_URL:-}" ]; then bench PostgreSQL "$BENCH_DATABASE_URL"; fi
