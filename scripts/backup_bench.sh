#!/usr/bin/env bash
# Backups under sustained writes (issue 23): a SQLite database of about SIZE_MB megabytes,
# a writer that commits RATE single-row transactions a second in WAL mode from another
# process (as Benteng's intake does), and `benteng backup` then `benteng backup verify`
# while it writes; then `sqlite3 .backup` under the same load, for comparison, stopped after
# 60 s. Prints the figures for docs/performance.md. Not a test.
#   scripts/backup_bench.sh [BENTENG_BIN] [SIZE_MB] [RATE]
set -euo pipefail
BIN=${1:-${CARGO_TARGET_DIR:-target}/release/benteng}
SIZE_MB=${2:-500}
RATE=${3:-300}
DIR=$(mktemp -d /tmp/benteng-backup-bench.XXXX)
trap 'kill $WRITER 2>/dev/null || true; rm -rf "$DIR"' EXIT
export BENTENG_DATABASE_URL="sqlite://$DIR/benteng.db" BENTENG_UPLOAD_DIR="$DIR/uploads" BENTENG_LOG_LEVEL=warn
"$BIN" migrate >/dev/null
mkdir -p "$DIR/uploads"
for i in $(seq 1 200); do head -c 200000 /dev/urandom > "$DIR/uploads/foto$i.jpg"; done
# Filler rows of 1 KB until the file has the size asked for.
rows=$(( SIZE_MB * 1000 ))
sqlite3 "$DIR/benteng.db" "PRAGMA journal_mode=WAL; CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $rows)
INSERT INTO bench_rows (body) SELECT hex(randomblob(500)) FROM c;" >/dev/null
echo "database: $(du -m "$DIR/benteng.db" | cut -f1) MB, uploads: $(du -sm "$DIR/uploads" | cut -f1) MB"

python3 - "$DIR/benteng.db" "$RATE" "$DIR/written" <<'PY' &
import sqlite3, sys, time
db, rate, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = sqlite3.connect(db, isolation_level=None, timeout=10)
c.execute("PRAGMA journal_mode=WAL"); c.execute("PRAGMA synchronous=FULL")
n, start = 0, time.time()
try:
    while True:
        c.execute("BEGIN IMMEDIATE"); c.execute("INSERT INTO bench_rows (body) VALUES (?)", ("x" * 500,)); c.execute("COMMIT")
        n += 1
        if n % 50 == 0:
            open(out, "w").write(f"{n} {time.time() - start:.2f}")
        delay = start + n / rate - time.time()
        if delay > 0:
            time.sleep(delay)
except KeyboardInterrupt:
    pass
PY
WRITER=$!
sleep 2
before=$(cut -d' ' -f1 "$DIR/written")
t0=$(date +%s.%N)
"$BIN" backup --out "$DIR/b.zip"
t1=$(date +%s.%N)
after=$(cut -d' ' -f1 "$DIR/written")
echo "benteng backup: $(echo "$t1 - $t0" | bc) s, $(du -m "$DIR/b.zip" | cut -f1) MB archive, $((after - before)) rows committed by the writer meanwhile"
t0=$(date +%s.%N)
"$BIN" backup verify "$DIR/b.zip"
t1=$(date +%s.%N)
echo "benteng backup verify: $(echo "$t1 - $t0" | bc) s"
before=$(cut -d' ' -f1 "$DIR/written")
t0=$(date +%s.%N)
if timeout 60 sqlite3 "$DIR/benteng.db" ".backup $DIR/old.db"; then
  t1=$(date +%s.%N); echo "sqlite3 .backup: $(echo "$t1 - $t0" | bc) s"
else
  echo "sqlite3 .backup: did not finish within 60 s"
fi
after=$(cut -d' ' -f1 "$DIR/written")
echo "writer during .backup: $((after - before)) rows"
