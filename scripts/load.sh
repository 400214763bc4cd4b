#!/usr/bin/env bash
# Load: N simulated phones pushing check-ins to the server concurrently;
# prints throughput and sync-call latency (p50/p90/p99/max) and checks that
# every check-in was stored. Builds laowu-load in release first.
#
# Usage:
#   scripts/load.sh [flags]        one in-process SQLite server (the default)
#   scripts/load.sh --phones 200 --rounds 4 --per-round 25 --threads 50
#
# External servers (e.g. laowu-server processes, later on PostgreSQL): pass
# each server's URL and the sms.log its SMS sender writes (one per server, or
# one shared file); phone i uses server i % n, and --alternate moves every
# phone to the next server on each sync (needs servers sharing one database):
#   scripts/load.sh --server http://127.0.0.1:8080 --sms-log /srv/a/sms.log \
#                   --server http://127.0.0.1:8081 --sms-log /srv/b/sms.log --alternate
# Note: a server with the default limits sends at most 60 codes an hour to
# one address, so more phones than that need a fresh server or laxer limits.
#
# Every other flag goes to laowu-load unchanged (see --help): --phones,
# --rounds, --per-round, --threads, --batch, --json. Its FIGURE lines are the
# format scripts/bench.sh collects.
set -euo pipefail

cd "$(dirname "$0")/.."
cargo build --release --quiet -p laowu-tests --bin laowu-load
target_dir=${CARGO_TARGET_DIR:-target}
exec "$target_dir/release/laowu-load" "$@"
