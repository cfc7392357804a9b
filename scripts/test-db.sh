#!/usr/bin/env bash
# Starts (or reuses) a private PostgreSQL server for the tests on 127.0.0.1:55432
# and prints its URL. Its data lives under /tmp and is thrown away freely.
set -euo pipefail
PORT=55432
DIR=/tmp/mypage-test-pg
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Throw-away data needs no crash safety and no replicas: with the defaults the
# write-ahead log of one test run grew to 1 GB (max_wal_size) on a disk that
# other work shares; these keep it near 100 MB.
SMALL_WAL="-c wal_level=minimal -c max_wal_senders=0 -c full_page_writes=off -c max_wal_size=96MB -c min_wal_size=32MB"

if ! run "$BIN/pg_ctl" -D "$DIR" status > /dev/null 2>&1; then
  if [ ! -f "$DIR/PG_VERSION" ]; then
    rm -rf "$DIR"
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
    run "$BIN/initdb" -D "$DIR" -U postgres --auth=trust --encoding=UTF8 --locale=C > /dev/null
  fi
  run "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 $SMALL_WAL" start > /dev/null
fi
URL="postgres://postgres@127.0.0.1:$PORT/postgres"
# Databases left by earlier runs.
for db in $(psql "$URL" -Atc "select datname from pg_database where datname like 'mypage_test_%'"); do
  psql "$URL" -qc "drop database if exists $db" > /dev/null
done
echo "$URL"
