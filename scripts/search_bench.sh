#!/usr/bin/env bash
# Report lists and word searches of the officer pimpasa.malang on a database that is already
# filled (1,000,000 reports from `bench` with BENTENG_BENCH_REPORTS, kept with
# BENTENG_BENCH_DATABASE_URL), for several builds interleaved: each round runs every build in
# turn on the same database, so the build before a change and the one after are measured under
# the same conditions (docs/performance.md, "Word search on PostgreSQL at 1,000,000 reports").
#
# Usage: DB=postgres://postgres@127.0.0.1:5432/benteng_bench_r scripts/search_bench.sh BIN [BIN ...]
#   BIN: release builds of `benteng`. The officer's password is set first with the first
#   build's `benteng user passwd` (the bench's own passwords are random).
#   ROUNDS=2 DUR=10s WARM=3s CONNS=50 OUT=folder for the raw output.
# The server runs with BENTENG_SEARCHES_PER_MINUTE=10000000: fifty clients of one user search
# thousands of times a second, and the per-user search limit (60 a minute) would refuse them.
# Errors (status >= 400, socket errors) are counted in the table, never dropped; the last line
# says whether there were any. Needs wrk, curl, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench_lib.sh
[ $# -gt 0 ] || { echo "usage: DB=url $0 BIN [BIN ...]" >&2; exit 2; }
: "${DB:?DB=the URL of the filled database}"
BINS=("$@")
ROUNDS=${ROUNDS:-2}
DUR=${DUR:-10s}
WARM=${WARM:-3s}
CONNS=${CONNS:-50}
OUT=${OUT:-$(mktemp -d /tmp/search-bench.XXXXXX)}
PORT=28813
PASSWORD='Bench-cari-kata-2026!'
mkdir -p "$OUT"
printf '%s\n' "${BINS[@]}" > "$OUT/builds.txt"
echo "$PASSWORD" | BENTENG_DATABASE_URL=$DB BENTENG_LOG_LEVEL=warn "${BINS[0]}" user passwd --username pimpasa.malang > /dev/null

# label and path of each measured page, in the order they run.
ROUTES=(
  "queue|/laporan"
  "all-page3|/laporan?status=semua&hal=3"
  "kalipare|/laporan?status=semua&q=kalipare"
  "phone|/laporan?status=semua&q=%2B6285865673228"
  "two-words|/laporan?status=semua&q=paspor+malaysia"
  "sihanoukville|/laporan?status=semua&q=sihanoukville"
  "paspor|/laporan?status=semua&q=paspor"
)

pid=
stop() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  pid=
}
trap stop EXIT

for round in $(seq 1 "$ROUNDS"); do
  for i in "${!BINS[@]}"; do
    up=$(mktemp -d)
    BENTENG_DATABASE_URL=$DB BENTENG_UPLOAD_DIR=$up BENTENG_LOG_LEVEL=warn BENTENG_SEARCHES_PER_MINUTE=10000000 \
      "${BINS[$i]}" serve --bind 127.0.0.1:$PORT > "$OUT/r$round-app$i.log" 2>&1 &
    pid=$!
    base=http://127.0.0.1:$PORT
    for _ in $(seq 1 600); do
      curl -fs -o /dev/null "$base/healthz" && break
      kill -0 "$pid" 2>/dev/null || { echo "server died" >&2; exit 1; }
      sleep 0.2
    done
    cookie=$(sign_in_cookie "$base" pimpasa.malang "$PASSWORD" "$up/jar")
    [ -n "$cookie" ] || { echo "signing in failed" >&2; exit 1; }
    for r in "${ROUTES[@]}"; do
      label=${r%%|*}
      path=${r#*|}
      wrk -t1 -c"$CONNS" -d"$WARM" -s scripts/wrk/result.lua -H "Cookie: $cookie" "$base$path" > /dev/null 2>&1
      wrk -t1 -c"$CONNS" -d"$DUR" --latency -s scripts/wrk/result.lua -H "Cookie: $cookie" "$base$path" \
        > "$OUT/r$round-app$i-$label.txt" 2>&1
      echo "r$round app$i $label: $(grep -h '^RESULT' "$OUT/r$round-app$i-$label.txt" | cut -c1-90)"
    done
    stop
    rm -rf "$up"
  done
done

python3 - "$OUT" "$ROUNDS" "${ROUTES[@]}" <<'PY'
import re, statistics, sys
from pathlib import Path
out, rounds, routes = Path(sys.argv[1]), int(sys.argv[2]), [r.split("|")[0] for r in sys.argv[3:]]
builds = (out / "builds.txt").read_text().split()
def result(name):
    m = re.search(r"^RESULT (.*)$", (out / f"{name}.txt").read_text(), re.M)
    if not m:
        return None
    v = {k: float(x) for k, x in (kv.split("=") for kv in m.group(1).split())}
    errors = v["non2xx"] + v["connect"] + v["read"] + v["write"] + v["timeout"]
    good = (v["requests"] - v["non2xx"]) / (v["duration_us"] / 1e6)
    return dict(rps=good, p50=v["p50_us"] / 1000, p99=v["p99_us"] / 1000, errors=errors)
print(f"\nmedians of {rounds} rounds")
print(f"{'page':15} {'build':4} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
total_errors = 0
for route in routes:
    for i, b in enumerate(builds):
        rs = [r for r in (result(f"r{n}-app{i}-{route}") for n in range(1, rounds + 1)) if r]
        if not rs:
            print(f"{route:15} {i:4} no result")
            continue
        med = lambda k: statistics.median(r[k] for r in rs)
        errors = sum(r["errors"] for r in rs)
        total_errors += errors
        print(f"{route:15} {i:4} {med('rps'):8.0f} {med('p50'):8.1f} {med('p99'):8.1f} {errors:7.0f}")
for i, b in enumerate(builds):
    print(f"build {i}: {b}")
print("ERRORS: some requests failed; those rows are not clean figures" if total_errors else "no request failed")
PY
