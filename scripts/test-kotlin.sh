#!/usr/bin/env bash
# Builds laowu-ffi and laowu-server, generates the Kotlin bindings from the built
# library (library mode, config from bindings/ffi/uniffi.toml) and runs the JUnit
# tests in bindings/kotlin, which load the library through JNA (the server journey
# test starts the built server binary). Runnable from any directory.
#
# Needs cargo, a JDK 17+ and Maven 3.8+ on PATH; Maven fetches the pinned plugins
# and dependencies from Maven Central into ~/.m2 on the first run.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

for tool in cargo java mvn; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "test-kotlin.sh: $tool not found on PATH (Debian: apt-get install maven openjdk-17-jdk-headless)" >&2
        exit 1
    fi
done

target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in
    /*) ;;
    *) target_dir="$root/$target_dir" ;;
esac
lib_dir="$target_dir/debug"
kotlin_dir="$root/bindings/kotlin"
generated="$kotlin_dir/target/generated-sources/uniffi"

cargo build -p laowu-ffi
# ServerSyncJourneyTest starts the real server binary.
cargo build -p laowu-server --locked
server_bin="$lib_dir/laowu-server"

# Regenerate from scratch so no stale file from an older API is compiled.
rm -rf "$generated"
cargo run -q -p uniffi-bindgen -- generate "$lib_dir/liblaowu_ffi.so" \
    --language kotlin --out-dir "$generated" --no-format

reports="$kotlin_dir/target/surefire-reports"
rm -rf "$reports"

cd "$kotlin_dir"
status=0
# Quiet Maven still prints compiler errors and failing tests; the sed only drops
# the colour resets Maven writes even in batch mode.
mvn -B -q -Dstyle.color=never test -Djna.library.path="$lib_dir" \
    -Dlaowu.server.bin="$server_bin" 2>&1 \
    | sed -u -e 's/\x1b\[[0-9;]*m//g' || status=$?

# Quiet mode hides Surefire's summary, so print one from its reports.
tests=0 failures=0 errors=0 skipped=0
shopt -s nullglob
for report in "$reports"/TEST-*.xml; do
    suite="$(grep -m1 -o '<testsuite [^>]*>' "$report")"
    attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$suite"; }
    t="$(attr tests)" f="$(attr failures)" e="$(attr errors)" s="$(attr skipped)"
    name="$(sed -n 's/.* name="\([^"]*\)".*/\1/p' <<<"$suite")"
    printf '%s: %s tests, %s failures, %s errors, %s skipped\n' "${name##*.}" "$t" "$f" "$e" "$s"
    tests=$((tests + t)) failures=$((failures + f)) errors=$((errors + e)) skipped=$((skipped + s))
done
echo "Tests run: $tests, Failures: $failures, Errors: $errors, Skipped: $skipped"

if [ "$status" -ne 0 ]; then
    echo "test-kotlin.sh: Maven failed (exit $status)" >&2
    exit "$status"
fi
if [ "$tests" -eq 0 ]; then
    echo "test-kotlin.sh: no test ran" >&2
    exit 1
fi
