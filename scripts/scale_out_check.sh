#!/usr/bin/env bash
# Scale-out check (docs/scale-out.md, "Checked here: two instances behind HAProxy"): two
# `benteng serve` instances and one `benteng worker` on one fresh PostgreSQL database, one
# shared upload directory, HAProxy in front (loopback only, started by hand from a file in a
# temporary folder, never as a service). Public reports and signed-in page views run through
# HAProxy for SCALE_DURATION seconds; at SCALE_KILL_AT one instance (A) gets SIGKILL, and
# SCALE_RESTART_AFTER seconds later it is started again. Then it checks:
#   (a) every acknowledged report is in the database, once;
#   (b) the only failed requests are those in flight at the kill;
#   (c) the sessions signed in before the kill stay signed in, on the other instance and on
#       the restarted one;
#   (d) a photo uploaded through A before the kill is served by B and by the restarted A;
#   (e) the monthly reports, the daily digests, the daily retention run and the overdue-referral
#       notices were made once, though three processes run the jobs (both instances with
#       `worker = true`, plus the worker), and the restarted instance makes none again; every
#       SMS went out once (a fake gateway on loopback counts them).
# Prints a table of figures, cleans up everything (processes, database, folder) and exits 1
# when a check failed, 2 when it could not run. The whole run is bounded by SCALE_TIMEOUT.
#   scripts/scale_out_check.sh
# Environment: BENTENG_BIN (default: the newer of $CARGO_TARGET_DIR/{release,debug}/benteng),
#   BENTENG_PG_BASE (default postgres://postgres@127.0.0.1:5432; a database benteng_scale_PID is
#   created there and dropped), SCALE_DURATION (30), SCALE_KILL_AT (10), SCALE_RESTART_AFTER (6,
#   0: no restart), SCALE_WRITERS (6), SCALE_SESSIONS (4), SCALE_SERVE_WORKER (true; false is
#   the usual layout with the worker apart), SCALE_TIMEOUT (240), SCALE_KEEP=1 keeps the folder.
set -euo pipefail
if [ -z "${SCALE_INNER:-}" ]; then
  # One bound for everything: on expiry timeout signals the whole process group (the servers,
  # HAProxy, the load), and the trap below still drops the database.
  SCALE_INNER=1 exec timeout -k 15 "${SCALE_TIMEOUT:-240}" "$0" "$@"
fi
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET=${CARGO_TARGET_DIR:-target}
BIN=${BENTENG_BIN:-}
if [ -z "$BIN" ]; then
  BIN=$TARGET/debug/benteng
  if [ -x "$TARGET/release/benteng" ] && { [ ! -x "$BIN" ] || [ "$TARGET/release/benteng" -nt "$BIN" ]; }; then
    BIN=$TARGET/release/benteng
  fi
fi
[ -x "$BIN" ] || { echo "no benteng binary at $BIN: build it (cargo build -p benteng-cli) or set BENTENG_BIN" >&2; exit 2; }
BIN=$(realpath "$BIN")
DURATION=${SCALE_DURATION:-30}
KILL_AT=${SCALE_KILL_AT:-10}
RESTART_AFTER=${SCALE_RESTART_AFTER:-6}
WRITERS=${SCALE_WRITERS:-6}
SESSIONS=${SCALE_SESSIONS:-4}
SERVE_WORKER=${SCALE_SERVE_WORKER:-true}
PG_BASE=${BENTENG_PG_BASE:-postgres://postgres@127.0.0.1:5432}
PG_ADMIN=$PG_BASE/postgres
DB_NAME=benteng_scale_$$
DB_URL=$PG_BASE/$DB_NAME
TAG=scale-check-$$
LOAD="python3 $ROOT/scripts/scale_out_load.py"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
say() { printf '== %s\n' "$*"; }
elapsed() { echo "$(( $(date +%s) - START ))s"; }
START=$(date +%s)

# --- HAProxy and PostgreSQL ------------------------------------------------------------------
HAPROXY=$(command -v haproxy || true)
[ -z "$HAPROXY" ] && [ -x /usr/sbin/haproxy ] && HAPROXY=/usr/sbin/haproxy
if [ -z "$HAPROXY" ]; then
  say "installing haproxy (Debian package; it is run by hand below, never started as a service)"
  # policy-rc.d 101 keeps the package's scripts from starting the service on install.
  made_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  installed=0
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy || installed=$?
  if [ -n "$made_policy" ]; then as_root rm -f /usr/sbin/policy-rc.d; fi
  [ "$installed" = 0 ] && [ -x /usr/sbin/haproxy ] || { echo "haproxy could not be installed" >&2; exit 2; }
  HAPROXY=/usr/sbin/haproxy
fi
if ! psql "$PG_ADMIN" -qAtc 'SELECT 1' >/dev/null 2>&1; then
  if [ "$PG_BASE" = postgres://postgres@127.0.0.1:5432 ] && command -v pg_ctlcluster >/dev/null; then
    say "PostgreSQL is down; starting it"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
    for _ in $(seq 1 30); do psql "$PG_ADMIN" -qAtc 'SELECT 1' >/dev/null 2>&1 && break; sleep 1; done
  fi
  psql "$PG_ADMIN" -qAtc 'SELECT 1' >/dev/null || { echo "PostgreSQL at $PG_BASE is not reachable" >&2; exit 2; }
fi
# Databases left by an interrupted earlier run (their script is gone).
for d in $(psql "$PG_ADMIN" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'benteng\_scale\_%'"); do
  kill -0 "${d#benteng_scale_}" 2>/dev/null || psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $d WITH (FORCE)"
done

DIR=$(mktemp -d /tmp/benteng-scale.XXXX)
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  for f in "$DIR"/*.pid; do
    [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  for _ in $(seq 1 50); do   # up to 5 s to stop on SIGTERM, then SIGKILL
    alive=0
    for f in "$DIR"/*.pid; do [ -e "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for f in "$DIR"/*.pid; do
    [ -e "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true
  done
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" 2>/dev/null || true
  if [ "${SCALE_KEEP:-0}" = 1 ]; then echo "kept $DIR"; else rm -rf "$DIR"; fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 143' INT TERM

read -r P_LB P_A P_B P_STATS P_GW <<<"$(python3 -c '
import socket
s = [socket.socket() for _ in range(5)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')"
LB=http://127.0.0.1:$P_LB
A=http://127.0.0.1:$P_A
B=http://127.0.0.1:$P_B
mkdir -p "$DIR/uploads" "$DIR/backups"
psql "$PG_ADMIN" -qc "CREATE DATABASE $DB_NAME"
q() { psql "$DB_URL" -qAtX -v ON_ERROR_STOP=1 -c "$1"; }

# One configuration for every process; only `worker`, `bind` and the backup differ.
cat > "$DIR/benteng.toml" <<EOF
database_url = "$DB_URL"
upload_dir = "$DIR/uploads"
public_url = "$LB"
trust_proxy = true
totp_required_roles = []
public_reports_per_hour = 1000000
login_attempts_per_minute = 100000
digest_hour = 0

[sms]
url = "http://127.0.0.1:$P_GW/send"
token = "scale-check"
EOF
export BENTENG_CONFIG=$DIR/benteng.toml
export RUST_LOG="info,tower_http=warn,sqlx=error" NO_COLOR=1

cat > "$DIR/haproxy.cfg" <<EOF
global
    maxconn 2000
    log stdout format raw local0 notice
defaults
    mode http
    log global
    option forwardfor
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout check 2s
    retries 3
    option redispatch 1
frontend benteng_in
    bind 127.0.0.1:$P_LB
    default_backend benteng
backend benteng
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz
    http-check expect status 200
    server a 127.0.0.1:$P_A check inter 500ms fastinter 250ms downinter 500ms fall 2 rise 2
    server b 127.0.0.1:$P_B check inter 500ms fastinter 250ms downinter 500ms fall 2 rise 2
listen stats
    bind 127.0.0.1:$P_STATS
    stats enable
    stats uri /stats
EOF
"$HAPROXY" -c -q -f "$DIR/haproxy.cfg"

# --- database, users, demo data --------------------------------------------------------------
say "setup: database $DB_NAME, $(basename "$BIN") $("$BIN" --version | cut -d' ' -f2)"
"$BIN" migrate > "$DIR/setup.log" 2>&1
"$BIN" demo >> "$DIR/setup.log" 2>&1   # offices, rooms, referrals, users; passwords stay in the log file
PASSWORD=scale-$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
BENTENG_NEW_PASSWORD=$PASSWORD "$BIN" user add --username scale.admin --full-name "Scale check" --role admin >> "$DIR/setup.log" 2>&1
VILLAGE=$(q "SELECT code FROM regions WHERE level = 4 AND lower(name) = 'sitiarjo' ORDER BY code LIMIT 1")
[ -n "$VILLAGE" ] || { echo "no village Sitiarjo in the region list" >&2; exit 2; }
# Every account gets a phone, and the daily digest and referral notices by SMS; one officer of
# the office whose area holds the village also gets each new report by SMS. Every room gets a
# message of today, so that every digest has something to say.
q "UPDATE users SET phone = '+62811' || lpad(id::text, 7, '0') WHERE active = 1;
   INSERT INTO notification_prefs (user_id, kind, channel, enabled)
     SELECT id, k, 'sms', 1 FROM users, (VALUES ('digest'), ('referral')) AS v (k) WHERE active = 1
     ON CONFLICT DO NOTHING;
   INSERT INTO notification_prefs (user_id, kind, channel, enabled)
     SELECT id, 'report', 'sms', 1 FROM users WHERE username = 'pimpasa.malang' ON CONFLICT DO NOTHING;
   INSERT INTO room_messages (room_id, author_id, kind, body, search_text, created_at)
     SELECT r.id, (SELECT id FROM users WHERE username = 'scale.admin'), 'pesan', 'uji skala', 'uji skala',
            extract(epoch FROM now())::bigint FROM rooms r;"
echo "  setup done in $(elapsed): village $VILLAGE, $(q "SELECT count(*) FROM users") users, $(q "SELECT count(*) FROM rooms") rooms"

# --- processes -------------------------------------------------------------------------------
$LOAD gateway --port "$P_GW" --log "$DIR/sms.log" > "$DIR/gateway.out" 2>&1 &
echo $! > "$DIR/gateway.pid"
"$HAPROXY" -db -f "$DIR/haproxy.cfg" > "$DIR/haproxy.log" 2>&1 &
echo $! > "$DIR/haproxy.pid"
start_serve() { # name port log
  BENTENG_WORKER=$SERVE_WORKER "$BIN" serve --bind "127.0.0.1:$2" >> "$DIR/$3" 2>&1 &
  echo $! > "$DIR/$1.pid"
  disown $!   # no "Killed" line from the shell for the instance killed on purpose
}
# A and B start together and race for the start-up jobs (with `worker = true`); the worker
# starts once they are up, and takes the daily backup (backup_dir is set for it alone).
start_serve a "$P_A" a.log
start_serve b "$P_B" b.log
PID_A=$(cat "$DIR/a.pid")

up() { curl -fsS -o /dev/null --max-time 2 "$1/healthz" 2>/dev/null; }
in_haproxy() { # how many of the instances HAProxy sends requests to
  curl -fsS --max-time 2 "http://127.0.0.1:$P_STATS/stats;csv" 2>/dev/null |
    awk -F, '$1 == "benteng" && ($2 == "a" || $2 == "b") && $18 ~ /^UP/' | wc -l
}
for _ in $(seq 1 180); do up "$A" && up "$B" && [ "$(in_haproxy)" = 2 ] && break; sleep 0.5; done
up "$A" && up "$B" || { echo "the instances did not start:"; tail -n 5 "$DIR/a.log" "$DIR/b.log"; exit 2; }
[ "$(in_haproxy)" = 2 ] || { echo "HAProxy does not see both instances up:"; tail -n 5 "$DIR/haproxy.log"; exit 2; }
BENTENG_WORKER=true BENTENG_BACKUP_DIR=$DIR/backups BENTENG_BACKUP_HOUR=0 "$BIN" worker > "$DIR/worker.log" 2>&1 &
echo $! > "$DIR/worker.pid"
disown $!
echo "  A (pid $PID_A) :$P_A, B (pid $(cat "$DIR/b.pid")) :$P_B, worker (pid $(cat "$DIR/worker.pid")), HAProxy :$P_LB, up after $(elapsed)"

# The jobs every process starts with: wait until they are done before the load (a monthly
# report whose maker is killed halfway is taken over only after 15 minutes).
jobs_done() {
  [ "$(q "SELECT count(*) FROM monthly_reports WHERE status = 'siap'")" -gt 0 ] &&
  [ "$(q "SELECT count(*) FROM monthly_reports WHERE status <> 'siap'")" = 0 ] &&
  [ "$(q "SELECT count(*) FROM digests")" -gt 0 ] &&
  [ "$(q "SELECT count(*) FROM audit_log WHERE action LIKE 'retention\_%'")" -gt 0 ] &&
  ls "$DIR"/backups/*.zip >/dev/null 2>&1
}
for _ in $(seq 1 120); do jobs_done && break; sleep 0.5; done
jobs_done || echo "  (the start-up jobs were not all done after 60 s; the checks below say which)"
echo "  start-up jobs done after $(elapsed)"

# --- load, kill, restart ---------------------------------------------------------------------
$LOAD setup --lb "$LB" --direct "$A" --user scale.admin --password "$PASSWORD" \
  --village "$VILLAGE" --sessions "$SESSIONS" --tag "$TAG" --out "$DIR"
if [ "$RESTART_AFTER" != 0 ]; then
  ( sleep "$(( KILL_AT + RESTART_AFTER ))"; start_serve a2 "$P_A" a-restarted.log ) &
  echo $! > "$DIR/restart.pid"
fi
say "load: ${DURATION}s through HAProxy, $WRITERS report writers and $SESSIONS signed-in readers; kill -9 A at ${KILL_AT}s$([ "$RESTART_AFTER" != 0 ] && echo ", start it again $RESTART_AFTER s later")"
$LOAD load --lb "$LB" --stats "http://127.0.0.1:$P_STATS" --server a --duration "$DURATION" \
  --kill-at "$KILL_AT" --kill-pid "$PID_A" --kill-port "$P_A" --writers "$WRITERS" --sessions "$DIR/sessions.json" \
  --village "$VILLAGE" --tag "$TAG" --out "$DIR" > "$DIR/load.out"
wait_sms() { # the outbox drained, but for rows claimed by the killed instance's worker
  [ "$(q "SELECT count(*) FROM outbox WHERE channel = 'sms' AND (status IN ('pending', 'retry')
          OR (status = 'sending' AND claimed_by NOT LIKE '%-$PID_A-%'))")" = 0 ]
}
for _ in $(seq 1 40); do wait_sms && break; sleep 0.5; done   # at most ~20 s

# --- checks ----------------------------------------------------------------------------------
say "checks (after $(elapsed))"
FAILED=0
check() { # ok-condition-exit-status description
  if [ "$1" = 0 ]; then echo "  ok    $2"; else echo "  FAIL  $2"; FAILED=1; fi
}
S=$DIR/summary.json
j() { python3 -c "import json,sys; v=json.load(open('$S'))$1; print(v if v is not None else '-')"; }

# (a) acknowledged reports
cut -f2 "$DIR/acked.tsv" | sort > "$DIR/acked_codes"
q "SELECT tracking_code FROM reports WHERE description LIKE '$TAG scale-%'" | sort > "$DIR/db_codes"
ACKED=$(wc -l < "$DIR/acked_codes")
STORED=$(wc -l < "$DIR/db_codes")
MISSING=$(comm -23 "$DIR/acked_codes" "$DIR/db_codes" | wc -l)
DUPES=$(q "SELECT count(*) - count(DISTINCT split_part(description, ' ', 2)) FROM reports WHERE description LIKE '$TAG scale-%'")
KEYS=$(j "['report_keys']")
check $(( MISSING != 0 )) "(a) acknowledged reports all stored: $ACKED acknowledged, $MISSING missing"
check $(( DUPES != 0 )) "(a) no report stored twice (one per Idempotency-Key, retries included): $STORED stored for $KEYS keys"
echo "        stored but never acknowledged (every retry of the key failed): $(( STORED - ACKED ))"
# (b) failures
F=$(j "['failed']"); FIN=$(j "['failed_in_flight_at_kill']"); FB=$(j "['failed_before_kill']"); FA=$(j "['failed_after_kill']")
CONC=$(j "['concurrency']")
check $(( FB != 0 || FA != 0 )) "(b) failed requests only those in flight at the kill: $F failed, $FIN in flight, $FB before, $FA after"
check $(( FIN > CONC )) "(b) at most one failure per client in flight: $FIN <= $CONC"
[ "$FA" = 0 ] || j "['failed_after_kill_detail']"
DOWN=$(j "['down_after_kill_s']")
check $([ "$DOWN" != - ]; echo $?) "(b) HAProxy took A out ${DOWN}s after the kill"
# (c) sessions, (d) the shared upload directory
SO=$(j "['page_views_signed_out']")
check $(( SO != 0 )) "(c) no page view signed out during the load: $SO of $(j "['page_views']")"
URLS=("$LB" "$B")
if [ "$RESTART_AFTER" != 0 ]; then
  UP=$(j "['up_after_kill_s']")
  check $([ "$UP" != - ]; echo $?) "A started again and back in HAProxy ${UP}s after the kill"
  URLS+=("$A")
fi
if $LOAD verify --url "${URLS[@]}" --out "$DIR"; then VERIFIED=0; else VERIFIED=1; fi
check $VERIFIED "(c, d) sessions from before the kill and the photo uploaded through A, through HAProxy, B$([ "$RESTART_AFTER" != 0 ] && echo " and the restarted A")"
FILES=$(find "$DIR/uploads" -type f | wc -l)
# (e) jobs. made_by PATTERN: per process, the sum of the counts its log gives for PATTERN
# ("monthly report made" counts 1 a line).
made_by() {
  local f n
  for f in a b worker a-restarted; do
    n=$(grep -ho "$1" "$DIR/$f.log" 2>/dev/null | awk -F= '{ s += ($2 == "" ? 1 : $2) } END { print s + 0 }')
    printf '%s%s %s' "${sep:-}" "${f/a-restarted/restarted A}" "$n"
    local sep=", "
  done
}
again() { grep -ho "$1" "$DIR/a-restarted.log" 2>/dev/null | wc -l; }
MONTHLY=$(q "SELECT count(*) FROM monthly_reports")
MONTHLY_KEYS=$(q "SELECT count(DISTINCT (kind, ref_key, month)) FROM monthly_reports WHERE status = 'siap'")
ANNOUNCED=$(q "SELECT count(*) FROM room_messages WHERE body LIKE '%/laporan-bulanan/%'")
check $(( MONTHLY == 0 || MONTHLY != MONTHLY_KEYS || ANNOUNCED != MONTHLY || $(again 'monthly report made') != 0 )) \
  "(e) monthly reports made once: $MONTHLY for $MONTHLY_KEYS office/province-months, $ANNOUNCED announcements; made by $(made_by 'monthly report made')"
DIGESTS=$(q "SELECT count(*) FROM digests")
DIGEST_DUP=$(q "SELECT count(*) FROM (SELECT recipient_id, channel FROM outbox WHERE kind = 'digest' GROUP BY 1, 2 HAVING count(*) > 1) d")
DIGEST_SMS=$(q "SELECT count(*) FROM outbox WHERE kind = 'digest' AND channel = 'sms'")
check $(( DIGESTS == 0 || DIGEST_DUP != 0 || $(again 'daily digests queued') != 0 )) \
  "(e) daily digests made once per user: $DIGESTS users, $DIGEST_SMS by SMS, $DIGEST_DUP twice; queued by $(made_by 'daily digests queued digests=[0-9]*')"
RETENTION=$(q "SELECT count(*) FROM audit_log WHERE action LIKE 'retention\_%'")
RETENTION_KINDS=$(q "SELECT count(DISTINCT entity) FROM audit_log WHERE action LIKE 'retention\_%'")
check $(( RETENTION == 0 || RETENTION != RETENTION_KINDS )) "(e) retention ran once today: $RETENTION audit entries for $RETENTION_KINDS kinds (one run writes one per kind)"
OVERDUE=$(q "SELECT count(*) FROM referrals WHERE overdue_notified = 1")
OVERDUE_SMS=$(q "SELECT count(*) FROM outbox WHERE kind = 'referral_overdue' AND channel = 'sms'")
OVERDUE_DUP=$(q "SELECT count(*) FROM (SELECT recipient_id, link, channel FROM outbox WHERE kind = 'referral_overdue' GROUP BY 1, 2, 3 HAVING count(*) > 1) d")
check $(( OVERDUE == 0 || OVERDUE_DUP != 0 || $(again 'overdue referrals announced') != 0 )) \
  "(e) overdue referrals announced once: $OVERDUE referrals, $OVERDUE_SMS notices by SMS, $OVERDUE_DUP twice; announced by $(made_by 'overdue referrals announced referrals=[0-9]*')"
BACKUPS=$(find "$DIR/backups" -name 'benteng-*.zip' | wc -l)
check $(( BACKUPS != 1 )) "(e) one daily backup (taken by the worker only, backup_dir set there): $BACKUPS"
# SMS: the outbox first, then the gateway's log (a row is marked sent after the gateway
# answered, so every row seen as sent must be in the log; a worker may still be sending).
q "SELECT 'benteng-' || id, status, CASE WHEN claimed_by LIKE '%-$PID_A-%' THEN 'dead' ELSE '' END
   FROM outbox WHERE channel = 'sms'" > "$DIR/sms_rows"
eval "$(python3 - "$DIR/sms_rows" "$DIR/sms.log" <<'PY'
import collections, sys
rows = {}
for line in open(sys.argv[1]):
    ref, status, dead = line.rstrip("\n").split("|")
    rows[ref] = (status, dead == "dead")
got = collections.Counter(l.strip() for l in open(sys.argv[2]) if l.strip())
sent = [r for r, (s, _) in rows.items() if s == "sent"]
print(f"SENT={len(sent)}")
print(f"GW_TOTAL={sum(got.values())}")
print(f"GW_TWICE={sum(1 for n in got.values() if n > 1)}")
print(f"SENT_NOT_AT_GW={sum(1 for r in sent if r not in got)}")
# (rows seen due may have been claimed and sent since the snapshot)
print(f"GW_UNKNOWN={sum(1 for r in got if r not in rows)}")
print(f"HELD={sum(1 for s, d in rows.values() if s == 'sending' and d)}")
print(f"HELD_SENT={sum(1 for r, (s, d) in rows.items() if s == 'sending' and d and r in got)}")
print(f"SENDING={sum(1 for s, d in rows.values() if s == 'sending' and not d)}")
print(f"WAITING={sum(1 for s, _ in rows.values() if s in ('pending', 'retry'))}")
PY
)"
check $(( GW_TWICE != 0 || SENT_NOT_AT_GW != 0 || GW_UNKNOWN != 0 )) \
  "(e) every SMS sent once: $SENT sent, gateway got $GW_TOTAL, $GW_TWICE twice, $SENT_NOT_AT_GW marked sent but never received; $HELD claimed by the killed worker until its lease (2 min) ends ($HELD_SENT of them reached the gateway before it died), $SENDING being sent, $WAITING still due"

# --- figures ---------------------------------------------------------------------------------
say "figures"
printf '  %-50s %s\n' \
  "binary" "$(basename "$(dirname "$BIN")") build; serve worker = $SERVE_WORKER" \
  "load" "$(j "['duration_s']") s, $WRITERS writers + $SESSIONS readers, kill at $(j "['kill_at_s']") s" \
  "requests (report posts + page views)" "$(j "['requests']") ($(j "['report_posts']") + $(j "['page_views']"))" \
  "requests/s through HAProxy" "$(j "['req_per_s']")" \
  "latency p50 / p99 / max (ms)" "$(j "['p50_ms']") / $(j "['p99_ms']") / $(j "['max_ms']")" \
  "reports acknowledged / stored / missing" "$ACKED / $STORED / $MISSING" \
  "failed requests (of which in flight at the kill)" "$F ($FIN): $(j "['failed_by_answer']")" \
  "A's port refusing connections after the kill" "$(j "['gone_after_kill_ms']") ms ($(j "['failed_started_while_dying']") failed requests started in that time)" \
  "failed after the kill settled" "$FA" \
  "reports retried with the same key / then acked" "$(j "['retried_keys']") / $(j "['retried_keys_acknowledged']")" \
  "HAProxy retries / redispatches" "$(j "['haproxy_retries']") / $(j "['haproxy_redispatches']")" \
  "A out of HAProxy after the kill" "${DOWN} s" \
  "A back in HAProxy after the kill" "$(j "['up_after_kill_s']") s" \
  "files in the shared upload dir" "$FILES" \
  "monthly reports / digests / retention runs" "$MONTHLY / $DIGESTS / 1 ($RETENTION entries)" \
  "SMS sent / held by the dead worker's lease / due" "$SENT / $HELD ($HELD_SENT of them reached the gateway before it died) / $WAITING"
echo "  HAProxy's view of A: $(j "['haproxy_states']")"
echo "  total $(elapsed)"
if [ "$FAILED" != 0 ]; then
  echo "== scale-out check FAILED"
  [ "${SCALE_KEEP:-0}" = 1 ] || tail -n 6 "$DIR/haproxy.log" "$DIR/a.log" "$DIR/b.log" "$DIR/worker.log"
  exit 1
fi
echo "== scale-out check passed"
