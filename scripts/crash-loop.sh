#!/usr/bin/env bash
# The long crash loop (not part of the test command, which runs 20 kills): a phone
# killed 200 times with SIGKILL while checking in and syncing against a real server.
# After each kill the store's integrity check, the attendance chain and the ledger
# chain must pass and every acknowledged check-in must be there; at the end the
# server must hold exactly the phone's check-ins, once each.
#   scripts/crash-loop.sh [KILLS]        (LAOWU_CRASH_SEED=N replays a run)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LAOWU_CRASH_SYNC_KILLS="${1:-200}" cargo test -p laowu-tests --release --locked --test crash_sync -- --nocapture
