#!/usr/bin/env bash
# Benteng against this machine's limit (issue 24's protocol; docs/performance.md, "Against the
# machine's limit"). In each round, alternating: the minimal axum + SQLite server of
# ../shared/web-limit (a 20 KB page rendered per request; one durable INSERT per request),
# then Benteng's demo on SQLite with
#   /panduan and /lapor as an anonymous visitor (no cookie: every request a new visitor),
#   /laporan and /laporan/1 as the signed-in officer pimpasa.malang,
#   POST /api/v1/reports with that officer's API token.
# Every server is a fresh process pinned to core 0; wrk (1 thread, CONNS connections) is pinned
# to core 1, warms up WARM, then runs DUR with one RESULT line (scripts/wrk/*.lua). The table
# gives per route the median over the rounds of: successful requests a second, p50 and p99,
# errors (status >= 400 and socket errors, never dropped), and the ratio to the limit (pages
# to the page, intake to the insert). The last line says whether any request failed.
#
# Usage: scripts/ratio_bench.sh [BENTENG_BIN ...]
#   BENTENG_BIN: a release build (default $CARGO_TARGET_DIR/release/benteng). Given several
#   (the build before a change and the one after), each round runs the limit and then every
#   build in turn, so they are measured interleaved under the same conditions; the table has
#   one row per build and route.
#   ROUTES (default "panduan lapor laporan laporan1 intake") picks the routes; "intakekey"
#   (intake with a new Idempotency-Key on every request) and the other public pages
#   ("guidepage offer p3mi events faq track": a guide page, the offer check, the P3MI check,
#   events, FAQ, tracking, all anonymous) are measured when named.
#   WEB_LIMIT_DIR (default ../shared/web-limit; built here with cargo --release when needed),
#   ROUNDS=2 DUR=8s WARM=3s CONNS=50 OUT=folder for the raw output.
# Needs wrk, curl, python3, taskset. Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
. scripts/bench_lib.sh
TARGET=${CARGO_TARGET_DIR:-target}
if [ $# -gt 0 ]; then BINS=("$@"); else BINS=("${BENTENG_BIN:-$TARGET/release/benteng}"); fi
ROUTES=${ROUTES:-panduan lapor laporan laporan1 intake}
WEB_LIMIT_DIR=${WEB_LIMIT_DIR:-$ROOT/../shared/web-limit}
ROUNDS=${ROUNDS:-2}
DUR=${DUR:-8s}
WARM=${WARM:-3s}
CONNS=${CONNS:-50}
OUT=${OUT:-$(mktemp -d /tmp/ratio-bench.XXXXXX)}
mkdir -p "$OUT"
for b in "${BINS[@]}"; do
  [ -x "$b" ] || { echo "no Benteng binary at $b (cargo build --release -p benteng-cli)" >&2; exit 2; }
done
printf '%s\n' "${BINS[@]}" > "$OUT/builds.txt" 2>/dev/null || true
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 2; }
LIMIT_TARGET=${WEB_LIMIT_TARGET:-$HOME/.cache/web-limit-target}
LIMIT_BIN=$LIMIT_TARGET/release/web-limit
if [ ! -x "$LIMIT_BIN" ]; then
  (cd "$WEB_LIMIT_DIR" && CARGO_TARGET_DIR=$LIMIT_TARGET cargo build --release --quiet)
fi
mkdir -p "$OUT"
PORT_LIMIT=28811
PORT_APP=28812
pid=

stop() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  pid=
}
trap stop EXIT

wait_up() { # $1 url
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "$1" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "server died" >&2; exit 1; }
    sleep 0.2
  done
  echo "server did not come up" >&2
  exit 1
}

load() { # $1 label $2 url $3 script [$4 extra header]
  local extra=()
  [ -n "${4:-}" ] && extra=(-H "$4")
  taskset -c 1 wrk -t1 -c"$CONNS" -d"$WARM" -s "$3" "${extra[@]}" "$2" > /dev/null 2>&1
  taskset -c 1 wrk -t1 -c"$CONNS" -d"$DUR" --latency -s "$3" "${extra[@]}" "$2" > "$OUT/$1.txt" 2>&1
  echo "$1: $(grep -h '^RESULT' "$OUT/$1.txt" | cut -c1-90)"
}

for round in $(seq 1 "$ROUNDS"); do
  # The machine's limit.
  db=$(mktemp -d)
  WEB_LIMIT_DB=$db/limit.db taskset -c 0 "$LIMIT_BIN" $PORT_LIMIT > "$OUT/limit-$round.log" 2>&1 &
  pid=$!
  wait_up "http://127.0.0.1:$PORT_LIMIT/hello"
  load "r$round-limit-page" "http://127.0.0.1:$PORT_LIMIT/page" scripts/wrk/result.lua
  load "r$round-limit-insert" "http://127.0.0.1:$PORT_LIMIT/db" "$WEB_LIMIT_DIR/wrk/db_post.lua"
  stop
  rm -rf "$db"

  # Benteng, demo data, a fresh database each round, each build in turn.
  for i in "${!BINS[@]}"; do
  app=app$i
  dir=$(mktemp -d)
  BENTENG_DATABASE_URL="sqlite://$dir/b.db" BENTENG_UPLOAD_DIR="$dir/up" BENTENG_LOG_LEVEL=warn \
    taskset -c 0 "${BINS[$i]}" serve --demo --bind 127.0.0.1:$PORT_APP > "$dir/out.log" 2>&1 &
  pid=$!
  wait_up "http://127.0.0.1:$PORT_APP/healthz"
  base=http://127.0.0.1:$PORT_APP
  cookie=$(officer_cookie "$base" "$dir/out.log" "$dir/jar")
  [ -n "$cookie" ] || { echo "signing in failed" >&2; exit 1; }
  token=$(officer_token "$base" "$dir/out.log")
  # Always in this order (intake last: its reports would lengthen the officer's queue).
  for route in panduan lapor guidepage offer p3mi events faq track laporan laporan1 intake intakekey; do
    case " $ROUTES " in *" $route "*) ;; *) continue ;; esac
    case $route in
      panduan) load "r$round-$app-panduan" "$base/panduan" scripts/wrk/result.lua ;;
      lapor) load "r$round-$app-lapor" "$base/lapor" scripts/wrk/result.lua ;;
      guidepage) load "r$round-$app-guidepage" "$base/panduan/dokumen" scripts/wrk/result.lua ;;
      offer) load "r$round-$app-offer" "$base/cek-tawaran" scripts/wrk/result.lua ;;
      p3mi) load "r$round-$app-p3mi" "$base/cek-p3mi" scripts/wrk/result.lua ;;
      events) load "r$round-$app-events" "$base/kegiatan" scripts/wrk/result.lua ;;
      faq) load "r$round-$app-faq" "$base/faq" scripts/wrk/result.lua ;;
      track) load "r$round-$app-track" "$base/lacak" scripts/wrk/result.lua ;;
      laporan) load "r$round-$app-laporan" "$base/laporan" scripts/wrk/result.lua "Cookie: $cookie" ;;
      laporan1) load "r$round-$app-laporan1" "$base/laporan/1" scripts/wrk/result.lua "Cookie: $cookie" ;;
      intake) export BENTENG_TOKEN=$token; load "r$round-$app-intake" "$base/api/v1/reports" scripts/wrk/post_report.lua ;;
      intakekey) export BENTENG_TOKEN=$token; load "r$round-$app-intakekey" "$base/api/v1/reports" scripts/wrk/post_report_keyed.lua ;;
      *) echo "unknown route $route" >&2; exit 2 ;;
    esac
  done
  grep -E '^Vm(HWM|RSS)' "/proc/$pid/status" > "$OUT/r$round-$app-rss.txt" || true
  stop
  rm -rf "$dir"
  done
done

python3 - "$OUT" "$ROUNDS" "${#BINS[@]}" <<'PY'
import re, statistics, sys
from pathlib import Path
out, rounds, nbuilds = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
builds = (out / "builds.txt").read_text().split()
def result(name):
    path = out / f"{name}.txt"
    if not path.exists():
        return None
    text = path.read_text()
    m = re.search(r"^RESULT (.*)$", text, re.M)
    if not m:
        return None
    kv = dict(x.split("=") for x in m.group(1).split())
    v = {k: float(x) for k, x in kv.items()}
    errors = v["non2xx"] + v["connect"] + v["read"] + v["write"] + v["timeout"]
    good = (v["requests"] - v["non2xx"]) / (v["duration_us"] / 1e6)
    return dict(rps=good, p50=v["p50_us"] / 1000, p99=v["p99_us"] / 1000, errors=errors)
rows = [
    ("limit: rendered 20 KB page", "limit-page", None),
    ("limit: durable insert", "limit-insert", None),
]
routes = [
    ("/panduan, anonymous", "panduan", "limit-page"),
    ("/lapor, anonymous", "lapor", "limit-page"),
    ("/panduan/dokumen, anonymous", "guidepage", "limit-page"),
    ("/cek-tawaran, anonymous", "offer", "limit-page"),
    ("/cek-p3mi, anonymous", "p3mi", "limit-page"),
    ("/kegiatan, anonymous", "events", "limit-page"),
    ("/faq, anonymous", "faq", "limit-page"),
    ("/lacak, anonymous", "track", "limit-page"),
    ("/laporan, signed-in officer", "laporan", "limit-page"),
    ("/laporan/1, signed-in officer", "laporan1", "limit-page"),
    ("POST /api/v1/reports, officer", "intake", "limit-insert"),
    ("POST /api/v1/reports with Idempotency-Key", "intakekey", "limit-insert"),
]
for label, route, base in routes:
    for i in range(nbuilds):
        name = label if nbuilds == 1 else f"{label} ({Path(builds[i]).name})"
        rows.append((name, f"app{i}-{route}", base))
rows = [r for r in rows if any(result(f"r{n}-{r[1]}") for n in range(1, rounds + 1))]
med = {}
for _, key, _ in rows:
    rs = [result(f"r{r}-{key}") for r in range(1, rounds + 1)]
    rs = [r for r in rs if r]
    med[key] = {k: statistics.median(r[k] for r in rs) for k in ("rps", "p50", "p99")}
    med[key]["errors"] = sum(r["errors"] for r in rs)
    med[key]["ratios"] = rs
print()
print("| route | req/s (2xx) | p50 | p99 | errors | against the limit |")
print("|---|---|---|---|---|---|")
total_errors = 0
for label, key, base in rows:
    m = med[key]
    total_errors += m["errors"]
    ratio = ""
    if base:
        # Ratio per round (each against the limit measured in the same round), then the median.
        rs = []
        for r in range(1, rounds + 1):
            a, b = result(f"r{r}-{key}"), result(f"r{r}-{base}")
            if a and b and b["rps"] > 0:
                rs.append(a["rps"] / b["rps"])
        ratio = f"{statistics.median(rs):.2f}×" if rs else "?"
    print(f"| {label} | {m['rps']:,.0f} | {m['p50']:.1f} ms | {m['p99']:.1f} ms | {int(m['errors'])} | {ratio} |")
print()
print(f"medians of {rounds} rounds; raw output in {out}")
if total_errors:
    print(f"ERRORS: {int(total_errors)} requests failed in this run (status >= 400 or socket errors); the figures above count only the others")
else:
    print("no request failed in this run")
PY
