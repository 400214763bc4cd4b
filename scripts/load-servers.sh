#!/usr/bin/env bash
# Load figures for issue 10: N simulated phones (laowu-load) pushing
# check-ins to real laowu-server processes, in three set-ups measured in one
# run:
#   sqlite-1    one process on its embedded SQLite
#   postgres-1  one process on PostgreSQL
#   postgres-2  two processes on one PostgreSQL database, every phone
#               switching process on every sync (--alternate)
# PostgreSQL is a throwaway cluster started --durable (fsync on, as in
# production) on port 55433. Prints, per set-up, throughput (check-ins
# stored per second of sync) and the latency of the phones' sync calls
# (one push and one pull each), p50 and p99, plus FIGURE lines.
#
#   scripts/load-servers.sh [--phones N] [--rounds R] [--per-round K]
#
# Release builds; takes a few minutes. Not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."

phones=50 rounds=4 per_round=25
while (($#)); do
    case "$1" in
        --phones) phones="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --per-round) per_round="$2"; shift 2 ;;
        *) echo "usage: scripts/load-servers.sh [--phones N] [--rounds R] [--per-round K]" >&2; exit 2 ;;
    esac
done

cargo build --release --quiet --locked -p laowu-server --bin laowu-server -p laowu-tests --bin laowu-load
target_dir=${CARGO_TARGET_DIR:-target}
server_bin="$target_dir/release/laowu-server"
load_bin="$target_dir/release/laowu-load"

export LAOWU_PG_PORT=55433
pg_admin="$(scripts/postgres.sh start --durable)"
work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    scripts/postgres.sh stop
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server DATA_DIR DB: starts one process, waits until it is ready; its URL on stdout.
start_server() {
    local port
    port="$(free_port)"
    LAOWU_LOG=warn "$server_bin" --listen "127.0.0.1:$port" --data "$1" --db "$2" \
        --codes-per-ip-per-hour 1000000 >/dev/null 2>>"$work/servers.log" &
    pids+=($!)
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$port/v1/ready" >/dev/null && break
        sleep 0.1
    done
    curl -sf "http://127.0.0.1:$port/v1/ready" >/dev/null
    echo "http://127.0.0.1:$port"
}

fresh_database() {
    local name="laowu_load_$1_$$"
    PGOPTIONS="-c client_min_messages=warning" psql -q "$pg_admin" \
        -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
    echo "${pg_admin%/*}/$name"
}

run() { # NAME, then laowu-load's server flags
    local name="$1"
    shift
    "$load_bin" "$@" --phones "$phones" --rounds "$rounds" --per-round "$per_round" --json \
        >"$work/$name.json"
    python3 - "$name" "$work/$name.json" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
r = json.load(open(path))
lat = r["sync_latency_ms"]
print(f"{name:<11} {r['stored']:>7} stored of {r['recorded']:<7} {r['throughput_check_ins_per_s']:>8.0f} check-ins/s"
      f"   sync p50 {lat['p50']:>7.1f} ms   p99 {lat['p99']:>7.1f} ms")
print(f"FIGURE\tload {name}: throughput\t{r['throughput_check_ins_per_s']:.0f}\tcheck-ins/s\t-\t-")
print(f"FIGURE\tload {name}: sync p50\t{lat['p50']:.1f}\tms\t-\t-")
print(f"FIGURE\tload {name}: sync p99\t{lat['p99']:.1f}\tms\t-\t-")
if not r["ok"] or r["stored"] != r["recorded"]:
    sys.exit(f"{name}: stored {r['stored']} of {r['recorded']}, errors {r['errors']}")
PY
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    pids=()
}

echo "$phones phones x $rounds rounds x $per_round check-ins, all phones syncing at once"
data="$work/sqlite-1"
url="$(start_server "$data" sqlite)"
run sqlite-1 --server "$url" --sms-log "$data/sms.log"

data="$work/postgres-1"
url="$(start_server "$data" "$(fresh_database one)")"
run postgres-1 --server "$url" --sms-log "$data/sms.log"

data="$work/postgres-2"
db="$(fresh_database two)"
url_a="$(start_server "$data" "$db")"
url_b="$(start_server "$data" "$db")"
run postgres-2 --server "$url_a" --server "$url_b" --sms-log "$data/sms.log" --alternate
