#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a fixed number of iterations.
#
#   scripts/fuzz.sh [RUNS]        # RUNS per target, default 20000
#
# Each target starts from its checked-in seeds (fuzz/corpus/<target>/, read
# only) and writes what it discovers to a scratch corpus under
# fuzz/target/corpus-work/<target>/, so the checked-in seeds never change. The
# scratch corpus is emptied first, so every run does RUNS iterations from the
# seeds alone; FUZZ_KEEP_CORPUS=1 keeps it and grows it run after run (then
# libFuzzer first replays all of it, and the runs reported can exceed RUNS). A
# crashing input is kept in fuzz/artifacts/<target>/. Prints one line per
# target with the runs done and the crashes found; exits non-zero if any
# target crashed. Needs the nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz --locked`).
set -euo pipefail

RUNS="${1:-20000}"
if ! [[ "$RUNS" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 [RUNS]" >&2
    exit 2
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ="$ROOT/fuzz"
cd "$ROOT"

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
    exit 2
fi

TARGETS=$(cd "$FUZZ" && cargo +nightly fuzz list)
echo "building $(echo "$TARGETS" | wc -w) fuzz targets" >&2
(cd "$FUZZ" && cargo +nightly fuzz build -O >&2)

LOGS="$FUZZ/target/fuzz-logs"
mkdir -p "$LOGS"
failed=0
total_runs=0
printf '%-24s %10s  %s\n' target runs result
for target in $TARGETS; do
    seeds="$FUZZ/corpus/$target"
    work="$FUZZ/target/corpus-work/$target"
    artifacts="$FUZZ/artifacts/$target"
    if [[ "${FUZZ_KEEP_CORPUS:-0}" != 1 ]]; then
        rm -rf "$work"
    fi
    mkdir -p "$seeds" "$work" "$artifacts"
    log="$LOGS/$target.log"
    status=0
    (cd "$FUZZ" && cargo +nightly fuzz run -O "$target" "$work" "$seeds" -- \
        -runs="$RUNS" -timeout=30 -print_final_stats=1 \
        -artifact_prefix="$artifacts/") >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
    if [[ "$status" -eq 0 && -n "$runs" ]]; then
        printf '%-24s %10s  0 crashes\n' "$target" "$runs"
        total_runs=$((total_runs + runs))
    else
        failed=$((failed + 1))
        crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
        printf '%-24s %10s  CRASH (exit %s) input: %s\n' "$target" "${runs:-?}" "$status" "${crash:-none written}"
        # The panic message and the stack, for the report.
        grep -m 1 -A 3 "panicked at" "$log" | sed 's/^/    /' || true
        echo "    full log: $log"
    fi
done
echo "total: $total_runs runs, $failed crashing target(s)"
[[ "$failed" -eq 0 ]]
