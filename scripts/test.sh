#!/usr/bin/env bash
# Benteng's one test command (named in the README, called by .ci/run):
#   1. unit and HTTP tests on embedded SQLite (poppler-utils installed here for the PDF tests),
#   2. the HTTP tests again on a real PostgreSQL (started here if it is down), the commands'
#      tests, a restart of the server, and two instances behind HAProxy with one killed
#      (scripts/scale_out_check.sh, which installs HAProxy when it is missing),
#   3. browser tests in headless Debian Chromium driven by playwright-core (installed here).
#   4. the OpenAPI document (docs/openapi.json, kept equal to the served one by an HTTP test)
#      validated as OpenAPI 3.1 by openapi-spec-validator, and the running demo checked
#      against it by Schemathesis (scripts/conformance.sh), both from PyPI (installed here).
# Set BENTENG_SKIP_PG=1 or BENTENG_SKIP_E2E=1 to leave a part out while developing; under CI
# (CI=true) skipping is refused, and outside CI the last line names what was skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
PG_URL=${BENTENG_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
TARGET=${CARGO_TARGET_DIR:-target}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_postgres() {
  if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then return; fi
  echo "PostgreSQL is down; starting it"
  if ! command -v pg_ctlcluster >/dev/null; then
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && return; sleep 1; done
  echo "PostgreSQL did not start" >&2
  exit 1
}

# How this machine restarts its PostgreSQL (the Debian cluster the tests use).
pg_restart_command() {
  local ver
  ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  if [ "$(id -u)" = 0 ]; then
    echo "pg_ctlcluster --skip-systemctl-redirect $ver main restart"
  else
    echo "sudo pg_ctlcluster --skip-systemctl-redirect $ver main restart"
  fi
}

ensure_browser() {
  if [ ! -x /usr/bin/chromium ]; then
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  fi
  if ! command -v node >/dev/null; then
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
  fi
}

# The PDF tests read their documents back with poppler's pdftotext/pdffonts.
ensure_poppler() {
  if ! command -v pdftotext >/dev/null; then
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils
  fi
}

skipped=()
[ "${BENTENG_SKIP_PG:-0}" = 1 ] && skipped+=("PostgreSQL")
[ "${BENTENG_SKIP_E2E:-0}" = 1 ] && skipped+=("browser")
if [ ${#skipped[@]} -gt 0 ] && [ "${CI:-}" = true ]; then
  echo "CI runs every stage: unset BENTENG_SKIP_PG / BENTENG_SKIP_E2E (skipped: ${skipped[*]})" >&2
  exit 2
fi

echo "== 1/4 unit and HTTP tests on SQLite"
ensure_poppler
cargo test --workspace

if [ "${BENTENG_SKIP_PG:-0}" != 1 ]; then
  echo "== 2/4 HTTP and command tests on PostgreSQL ($PG_URL)"
  ensure_postgres
  # Databases left by an interrupted earlier run.
  for d in $(psql "$PG_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'benteng_test_%'"); do
    psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $d WITH (FORCE)"
  done
  BENTENG_TEST_DATABASE_URL="$PG_URL" cargo test -p benteng-web --test http
  # The commands' tests (audit verify, the crash test) read the same variable.
  BENTENG_TEST_DATABASE_URL="$PG_URL" cargo test -p benteng-cli --tests
  # A restart of the server while idle loses no later request. It restarts the real server,
  # so it runs alone, after the others.
  BENTENG_TEST_DATABASE_URL="$PG_URL" \
    BENTENG_TEST_PG_RESTART="$(pg_restart_command)" \
    cargo test -p benteng-db --test pg_restart
  # Two instances and a worker behind HAProxy on one database; one instance is killed under
  # load (docs/scale-out.md, section 6). About 90 s, bounded by its own timeout.
  [ -x "$TARGET/debug/benteng" ] || cargo build -p benteng-cli
  BENTENG_BIN="$(cd "$TARGET" && pwd)/debug/benteng" \
    BENTENG_PG_BASE="${PG_URL%/*}" scripts/scale_out_check.sh
fi

if [ "${BENTENG_SKIP_E2E:-0}" != 1 ]; then
  echo "== 3/4 browser tests (Chromium)"
  ensure_browser
  # `cargo test --workspace` above built the binary (the CLI's tests run it); building it on
  # its own would rebuild many dependencies with other features (minutes on a cold machine).
  [ -x "$TARGET/debug/benteng" ] || cargo build -p benteng-cli
  export BENTENG_BIN
  BENTENG_BIN="$(cd "$TARGET" && pwd)/debug/benteng"
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error && node --test --test-concurrency=1)
fi
echo "== 4/4 the API contract: OpenAPI 3.1 validation of docs/openapi.json, then Schemathesis"
if ! python3 -c "import openapi_spec_validator" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check openapi-spec-validator==0.9.0
fi
python3 -m openapi_spec_validator docs/openapi.json
[ -x "$TARGET/debug/benteng" ] || cargo build -p benteng-cli
scripts/conformance.sh "$TARGET/debug/benteng"

if [ ${#skipped[@]} -gt 0 ]; then
  echo "== tests passed, but these stages were SKIPPED: ${skipped[*]}"
  exit 0
fi
echo "== all tests passed"
