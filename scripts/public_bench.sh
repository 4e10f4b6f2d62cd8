#!/usr/bin/env bash
# An anonymous GET of a public page with two builds, interleaved, two rounds: each run starts
# a fresh demo server on SQLite pinned to core 0, warms up 3 s, then runs wrk (1 thread,
# 50 connections, 8 s, no cookies: every request a new visitor) pinned to core 1, and prints
# req/s, p50, p99, the session rows written and any errors. Needs wrk and sqlite3 (apt).
# Usage: scripts/public_bench.sh BEFORE_BINARY AFTER_BINARY [PATH]   (release builds)
set -euo pipefail
before_bin=${1:?the first benteng binary}
after_bin=${2:?the second benteng binary}
path=${3:-/panduan}
run() { # $1 label $2 binary $3 port
  dir=$(mktemp -d)
  BENTENG_DATABASE_URL="sqlite://$dir/b.db" taskset -c 0 "$2" serve --demo --bind 127.0.0.1:$3 > $dir/out.log 2>&1 &
  pid=$!
  for _ in $(seq 1 180); do grep -q "berjalan di" $dir/out.log && break; sleep 1; done
  taskset -c 1 wrk -t1 -c50 -d3s http://127.0.0.1:$3$path > /dev/null
  out=$(taskset -c 1 wrk -t1 -c50 -d8s --latency http://127.0.0.1:$3$path)
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errs=$(echo "$out" | grep -E "Non-2xx|Socket errors" | tr "\n" " " || true)
  sessions=$(sqlite3 $dir/b.db "select count(*) from sessions" 2>/dev/null || echo "?")
  echo "$1 $path req/s=$rps p50=$p50 p99=$p99 sessions=$sessions $errs"
  kill $pid 2>/dev/null || echo "($1 server had stopped: $(tail -c 300 $dir/out.log))"; wait $pid 2>/dev/null || true; rm -rf $dir
}
for round in 1 2; do
  run before "$before_bin" 28801
  run after "$after_bin" 28802
done
