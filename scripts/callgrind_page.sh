#!/usr/bin/env bash
# Instructions per request of one page, counted by valgrind's callgrind (repeatable whatever
# else the machine does; docs/performance.md, "Where a public page's instructions go").
#
# Usage: scripts/callgrind_page.sh BENTENG_BIN PATH [N]
#   Seeds a demo database with BENTENG_BIN (`serve --demo`), restarts it under callgrind, waits
#   for the start-up work (region list, watchlist index) to end, requests PATH five times,
#   zeroes the counters, requests it N times (default 300) and prints the instructions per
#   request and the functions with the most instructions (inclusive). With SIGNED_IN=1 the
#   requests carry the demo officer's session. The profile stays in OUT (default a new
#   folder in /tmp) for callgrind_annotate.
# Needs valgrind (callgrind_control, callgrind_annotate) and curl. Traffic goes to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench_lib.sh
BIN=${1:?usage: scripts/callgrind_page.sh BENTENG_BIN PATH [N]}
PAGE=${2:?usage: scripts/callgrind_page.sh BENTENG_BIN PATH [N]}
N=${3:-300}
OUT=${OUT:-$(mktemp -d /tmp/callgrind-page.XXXXXX)}
PORT=${PORT:-28913}
BASE=http://127.0.0.1:$PORT
export BENTENG_DATABASE_URL=sqlite://$OUT/b.db BENTENG_UPLOAD_DIR=$OUT/up
pid=
stop() { if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; pid=; }
trap stop EXIT
wait_up() {
  for _ in $(seq 1 300); do curl -sf -o /dev/null "$BASE/healthz" && return 0; sleep 1; done
  echo "the server did not start" >&2; exit 1
}
"$BIN" serve --demo --bind "127.0.0.1:$PORT" >"$OUT/seed.log" 2>&1 & pid=$!
wait_up
stop
valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.out" "$BIN" serve --bind "127.0.0.1:$PORT" >"$OUT/serve.log" 2>&1 & pid=$!
wait_up
# The region list and the watchlist index are built in the background at start.
sleep "${SETTLE:-60}"
cookie=()
if [ "${SIGNED_IN:-0}" = 1 ]; then
  cookie=(-H "Cookie: $(officer_cookie "$BASE" "$OUT/seed.log" "$OUT/jar")")
fi
for _ in 1 2 3 4 5; do curl -s -o /dev/null "${cookie[@]}" "$BASE$PAGE"; done
callgrind_control -z "$pid" >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' "${cookie[@]}" "$BASE$PAGE")
for _ in $(seq 2 "$N"); do curl -s -o /dev/null "${cookie[@]}" "$BASE$PAGE"; done
callgrind_control -d "$pid" >/dev/null
sleep 3
stop
profile=$(ls -S "$OUT"/cg.out* | head -1)
total=$(callgrind_annotate "$profile" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "$PAGE (status $code): $N requests, $total instructions, $((total / N)) a request"
callgrind_annotate --inclusive=yes --threshold=100 "$profile" 2>/dev/null |
  grep -E 'benteng_|fluent|askama|tower_sessions|sqlite3_step|sha2' | head -"${TOP:-15}" | cut -c1-160
echo "profile: $profile"
