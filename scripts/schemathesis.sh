#!/usr/bin/env bash
# Runs schemathesis (PyPI) against server/openapi.yaml on a freshly started
# laowu-server and counts the responses that are server errors (5xx).
#
#   scripts/schemathesis.sh
#
# Environment (all optional):
#   ST_MAX_EXAMPLES  test cases per operation and phase (default 200)
#   ST_SEED          schemathesis seed, to replay a run
#   ST_VERSION       the schemathesis version to install (default: newest)
#
# The venv lives in target/schemathesis-venv; the server's data, its log and
# the reports (a HAR of every request and response) go to a temporary
# directory, printed at the end and kept when a server error was found.
# Prints, tab-separated:
#   FIGURE	schemathesis server errors	<n>	count	0	<met|missed>
# and exits non-zero when n > 0 or the run could not be made.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/target/schemathesis-venv"
MAX_EXAMPLES="${ST_MAX_EXAMPLES:-200}"

if [[ ! -x "$VENV/bin/st" ]]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet "schemathesis${ST_VERSION:+==$ST_VERSION}"
fi
echo "schemathesis $("$VENV/bin/st" --version | awk '{print $NF}')" >&2

cargo build -p laowu-server >&2
SERVER="$ROOT/target/debug/laowu-server"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/laowu-schemathesis.XXXXXX")"
DATA="$WORK/data"
LOG="$WORK/server.log"
REPORTS="$WORK/reports"
mkdir -p "$DATA" "$REPORTS"

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"

SERVER_PID=""
stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
trap stop_server EXIT

"$SERVER" --listen "127.0.0.1:$PORT" --data "$DATA" 2>"$LOG" &
SERVER_PID=$!
for _ in $(seq 1 300); do
    grep -q "listening on" "$LOG" 2>/dev/null && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "the server exited before listening:" >&2
        cat "$LOG" >&2
        exit 1
    fi
    sleep 0.1
done
if ! grep -q "listening on" "$LOG"; then
    echo "the server did not report 'listening on' within 30 s" >&2
    exit 1
fi
echo "server on $BASE (data in $DATA)" >&2

# A registered account and a bearer token, so the operations behind
# authentication are exercised past the 401. The account is also made the
# supervisor of a site, so the supervisor operations reach their handlers.
PHONE="13800138000"
PASSWORD="schemathesis-password-1"
post() {
    python3 - "$BASE$1" "$2" <<'PY'
import json, sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(),
                             headers={"Content-Type": "application/json"}, method="POST")
try:
    with urllib.request.urlopen(req) as r:
        print(r.read().decode())
except urllib.error.HTTPError as e:
    sys.stderr.write(f"{sys.argv[1]}: {e.code} {e.read().decode()}\n")
    sys.exit(1)
PY
}
post /v1/accounts/code "{\"phone\":\"$PHONE\",\"purpose\":\"register\"}" >/dev/null
CODE="$(awk -v p="$PHONE" '$1 == p {c = $2} END {print c}' "$DATA/sms.log")"
post /v1/accounts/register \
    "{\"phone\":\"$PHONE\",\"code\":\"$CODE\",\"password\":\"$PASSWORD\",\"name\":\"测试\"}" >/dev/null
"$SERVER" --data "$DATA" admin site add --id demo --name 演示工地 \
    --lat 31.2304 --lon 121.4737 --radius 300 >/dev/null
"$SERVER" --data "$DATA" admin supervisor add --phone "$PHONE" --site demo >/dev/null
TOKEN="$(post /v1/accounts/login "{\"phone\":\"$PHONE\",\"password\":\"$PASSWORD\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')"

st_status=0
"$VENV/bin/st" run "$ROOT/server/openapi.yaml" \
    --url "$BASE" \
    --checks not_a_server_error \
    --max-examples "$MAX_EXAMPLES" \
    ${ST_SEED:+--seed "$ST_SEED"} \
    --header "Authorization: Bearer $TOKEN" \
    --request-timeout 30 \
    --report har,junit --report-dir "$REPORTS" \
    --warnings off \
    || st_status=$?
stop_server

# Every 5xx the server sent, from the HAR of the whole run.
SERVER_ERRORS="$(python3 - "$REPORTS" <<'PY'
import glob, json, sys
count = 0
for path in glob.glob(sys.argv[1] + "/**/har*", recursive=True):
    with open(path) as f:
        har = json.load(f)
    for entry in har.get("log", {}).get("entries", []):
        status = entry.get("response", {}).get("status", 0)
        if status >= 500:
            count += 1
            req = entry.get("request", {})
            body = (req.get("postData") or {}).get("text", "")
            sys.stderr.write(f"5xx: {status} {req.get('method')} {req.get('url')} body={body[:500]!r}\n")
print(count)
PY
)"
if [[ -z "$(find "$REPORTS" -name 'har*' -print -quit)" ]]; then
    echo "schemathesis wrote no HAR report (exit $st_status)" >&2
    exit 1
fi
# A schemathesis failure that is not a 5xx (an error of the run itself).
if [[ "$st_status" -ne 0 && "$SERVER_ERRORS" -eq 0 ]]; then
    echo "schemathesis exited with $st_status without a server error; see the output above" >&2
fi

if [[ "$SERVER_ERRORS" -eq 0 ]]; then
    verdict=met
else
    verdict=missed
    echo "server log and reports kept in $WORK" >&2
fi
[[ "$SERVER_ERRORS" -eq 0 && "$st_status" -eq 0 ]] && rm -rf "$WORK"
printf 'FIGURE\tschemathesis server errors\t%s\tcount\t0\t%s\n' "$SERVER_ERRORS" "$verdict"
[[ "$SERVER_ERRORS" -eq 0 && "$st_status" -eq 0 ]]
