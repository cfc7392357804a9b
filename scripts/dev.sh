#!/usr/bin/env bash
# Sets up what is missing, then serves the app with demo data on the embedded
# SQLite database at http://127.0.0.1:3000, rebuilding on every change.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export DATABASE_URL="${DATABASE_URL:-sqlite://data/mypage.db?mode=rwc}"
export MYPAGE_DEV="${MYPAGE_DEV:-true}"
export MYPAGE_DEMO_DATA="${MYPAGE_DEMO_DATA:-true}"
exec cargo leptos watch --split
