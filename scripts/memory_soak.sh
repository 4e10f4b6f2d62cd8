#!/usr/bin/env bash
# Resident memory under a long load (issue 24: after 10 minutes within 10 % of after 1 minute).
# Starts a fresh demo server on SQLite pinned to core 0, signs in as the officer, and drives
# one route with wrk -t1 -c50 pinned to core 1 for MINUTES minutes, sampling the server's
# /proc status every minute: VmRSS (all resident pages), RssAnon (the heap: what a leak grows)
# and RssFile (the database file mapped by SQLite's mmap, which follows the file, not a leak).
#
# Usage: scripts/memory_soak.sh [BENTENG_BIN]   (default $CARGO_TARGET_DIR/release/benteng)
#   ROUTE=/laporan (signed in; /panduan, /lapor anonymous work too), MINUTES=10, CONNS=50.
# Needs wrk, curl, taskset.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench_lib.sh
TARGET=${CARGO_TARGET_DIR:-target}
BIN=${1:-$TARGET/release/benteng}
ROUTE=${ROUTE:-/laporan}
MINUTES=${MINUTES:-10}
CONNS=${CONNS:-50}
PORT=28813
[ -x "$BIN" ] || { echo "no Benteng binary at $BIN" >&2; exit 2; }
dir=$(mktemp -d)
BENTENG_DATABASE_URL="sqlite://$dir/b.db" BENTENG_UPLOAD_DIR="$dir/up" BENTENG_LOG_LEVEL=warn \
  taskset -c 0 "$BIN" serve --demo --bind 127.0.0.1:$PORT > "$dir/out.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
base=http://127.0.0.1:$PORT
for _ in $(seq 1 600); do curl -fs -o /dev/null "$base/healthz" && break; sleep 0.2; done
cookie=$(officer_cookie "$base" "$dir/out.log" "$dir/jar")
[ -n "$cookie" ] || { echo "signing in failed" >&2; exit 1; }
kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$pid/status"; }
echo "| minute | VmRSS | RssAnon | RssFile |"
echo "|---:|---:|---:|---:|"
echo "| 0 (idle) | $(( $(kb VmRSS) / 1024 )) MB | $(( $(kb RssAnon) / 1024 )) MB | $(( $(kb RssFile) / 1024 )) MB |"
taskset -c 1 wrk -t1 -c"$CONNS" -d"$((MINUTES * 60 + 5))s" -s scripts/wrk/result.lua \
  -H "Cookie: $cookie" "$base$ROUTE" > "$dir/wrk.txt" 2>&1 &
wrk_pid=$!
for m in $(seq 1 "$MINUTES"); do
  sleep 60
  echo "| $m | $(( $(kb VmRSS) / 1024 )) MB | $(( $(kb RssAnon) / 1024 )) MB | $(( $(kb RssFile) / 1024 )) MB |"
done
wait $wrk_pid || true
grep '^RESULT' "$dir/wrk.txt" | cut -c1-160
