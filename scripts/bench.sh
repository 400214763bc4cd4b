#!/usr/bin/env bash
# Runs every benchmark and prints a table of each figure next to its target.
#
# Usage: scripts/bench.sh
#
# Runs, from the workspace root:
#   cargo bench -p laowu-core --bench store     sealed store vs plain rusqlite (insert, indexed read, unlock)
#   cargo bench -p laowu-core --bench ledger    ledger append vs unchained insert; verify 100,000 entries
#   cargo bench -p laowu-core --bench checkin   check-in evaluation p99
#   cargo bench -p laowu-tests --bench sync     sync throughput (one phone), server ingest (8 phones)
#   scripts/size.sh, scripts/bench-kotlin.sh    if present and executable
#
# Each of them prints one line per figure:
#   FIGURE<TAB>name<TAB>value<TAB>unit<TAB>target<TAB>met|missed   ("—" where there is no target)
# Those lines are collected and printed as a table at the end. Full output of
# each step goes to target/bench-logs/. Exits 0 even when a target is missed
# (the table says so); exits non-zero only if a step fails to run.
set -uo pipefail

cd "$(dirname "$0")/.."
logs=target/bench-logs
mkdir -p "$logs"
figures="$logs/figures.tsv"
: >"$figures"
failed=()

# run <log name> <command...>: runs a step, shows its output, keeps its FIGURE lines.
run() {
    local name=$1
    shift
    echo "==> $*" >&2
    "$@" 2>&1 | tee "$logs/$name.log"
    local status=${PIPESTATUS[0]}
    grep -a $'^FIGURE\t' "$logs/$name.log" >>"$figures"
    if [ "$status" -ne 0 ]; then
        echo "!! $* exited with status $status" >&2
        failed+=("$*")
    fi
}

run store cargo bench -p laowu-core --bench store
run ledger cargo bench -p laowu-core --bench ledger
run checkin cargo bench -p laowu-core --bench checkin
run sync cargo bench -p laowu-tests --bench sync
for extra in size bench-kotlin; do
    if [ -x "scripts/$extra.sh" ]; then
        run "$extra" "scripts/$extra.sh"
    fi
done

echo
LC_ALL=C awk -F '\t' '
    # Display width: UTF-8 continuation bytes (0x80-0xBF) take no column.
    function width(s,    i, c, n) {
        n = 0
        for (i = 1; i <= length(s); i++) {
            c = substr(s, i, 1)
            if (c < "\200" || c >= "\300") n++
        }
        return n
    }
    function pad(s, w,    out) {
        out = s
        while (width(out) < w) out = out " "
        return out
    }
    $1 == "FIGURE" {
        n++
        name[n] = $2; value[n] = $3 " " $4; target[n] = $5; met[n] = $6
        if (width(name[n]) > w1) w1 = width(name[n])
        if (width(value[n]) > w2) w2 = width(value[n])
        if (width(target[n]) > w3) w3 = width(target[n])
    }
    END {
        if (w1 < 6) w1 = 6
        if (w2 < 5) w2 = 5
        if (w3 < 6) w3 = 6
        print pad("figure", w1) "  " pad("value", w2) "  " pad("target", w3) "  met"
        line = ""
        for (i = 0; i < w1 + w2 + w3 + 12; i++) line = line "-"
        print line
        missed = 0
        for (i = 1; i <= n; i++) {
            print pad(name[i], w1) "  " pad(value[i], w2) "  " pad(target[i], w3) "  " met[i]
            if (met[i] == "missed") missed++
        }
        print line
        printf "%d figures, %d targets missed\n", n, missed
    }' "$figures"

if [ ${#failed[@]} -gt 0 ]; then
    echo "steps that failed to run:" >&2
    printf '  %s\n' "${failed[@]}" >&2
    exit 1
fi
exit 0
