#!/usr/bin/env bash
# API conformance (issue 25): Schemathesis (from PyPI, installed here) against a demo server
# started here on SQLite, as an administrator, an officer, a village user and anonymously,
# with bounded examples and a fixed seed so that a run is repeatable and takes minutes.
#
# Every check runs on reads (GET). On writes, one check is left out, with its reason:
#   positive_data_acceptance: a write body that the JSON Schema allows may still be refused
#   with 422 naming the field, because the rules are more than a schema can state (a NIK's
#   region and birth date, a phone that exists, a village code that is in the register, a
#   date in the future, a status transition). The refusal is the documented 422 problem.
#   negative_data_rejection: write bodies are read leniently on purpose (`de::loose` in
#   benteng-app, stated in the document's description): a number or a boolean sent where
#   text is expected is read as its text (a phone or a NIK sent as a number), so such a body
#   is not refused for its type, only for its value.
# Usage: scripts/conformance.sh BENTENG_BINARY
set -euo pipefail
BIN=${1:?the benteng binary}
if ! python3 -c "import schemathesis" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check schemathesis==4.32.5
fi
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
env -u BENTENG_DATABASE_URL BENTENG_DATABASE_URL="sqlite://$dir/benteng.db" \
  "$BIN" serve --demo --bind "127.0.0.1:$port" >"$dir/out.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 120); do grep -q "berjalan di" "$dir/out.log" && break; sleep 1; done
grep -q "berjalan di" "$dir/out.log" || { cat "$dir/out.log" >&2; exit 1; }
base="http://127.0.0.1:$port"
password() { awk -v u="$1" '$1 == u {print $3}' "$dir/out.log"; }
token() {
  curl -sf -X POST "$base/api/v1/auth/token" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$(password "$1")\"}" |
    python3 -c "import sys, json; print(json.load(sys.stdin)['token'])"
}
failed=()
run() {
  local who=$1 what=$2; shift 2
  echo "-- schemathesis as $who, $what"
  # From the temporary directory: Schemathesis keeps a cache where it runs.
  (cd "$dir" && st run "$base/api/v1/openapi.json" --max-examples 5 --seed 1 --no-color "$@") ||
    failed+=("$who $what")
}
for user in admin.demo pimpasa.malang desa.sitiarjo; do
  t=$(token "$user")
  run "$user" reads -H "Authorization: Bearer $t" --checks all --include-method GET
  # Revoking the token (DELETE /auth/token) would sign the rest of the run out; the anonymous
  # run below covers that operation.
  run "$user" writes -H "Authorization: Bearer $t" --checks all \
    --exclude-checks positive_data_acceptance,negative_data_rejection --exclude-method GET \
    --exclude-path /api/v1/auth/token
done
run anonymous reads --checks all --include-method GET
run anonymous writes --checks all --exclude-checks positive_data_acceptance,negative_data_rejection --exclude-method GET
if [ ${#failed[@]} -gt 0 ]; then
  echo "conformance failed: ${failed[*]}" >&2
  exit 1
fi
echo "conformance: every run passed"
