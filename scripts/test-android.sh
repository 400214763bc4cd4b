#!/usr/bin/env bash
# Verifies the Android app on a machine without the Android SDK: generates the Kotlin
# bindings from the freshly built library, compiles the app's Kotlin and the bindings
# against the Android framework jars Robolectric publishes on Maven Central, and runs
# the app's Robolectric tests, which load the real liblaowu_ffi.so through JNA.
# Runnable from any directory. Needs cargo, a JDK 17+ and Maven 3.8+.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in
    /*) ;;
    *) target_dir="$root/$target_dir" ;;
esac
lib_dir="$target_dir/debug"
android_dir="$root/android"
generated="$android_dir/target/generated-sources/uniffi"

cargo build -q -p laowu-ffi
# The supervisor screen's test starts the real server binary.
cargo build -q -p laowu-server --locked
rm -rf "$generated"
cargo run -q -p uniffi-bindgen -- generate "$lib_dir/liblaowu_ffi.so" \
    --language kotlin --out-dir "$generated" --no-format

reports="$android_dir/target/surefire-reports"
rm -rf "$reports"
cd "$android_dir"
status=0
mvn -B -q -Dstyle.color=never test -Djna.library.path="$lib_dir" \
    -Duniffi.generated.dir="$generated" -Dlaowu.server.bin="$lib_dir/laowu-server" 2>&1 \
    | sed -u -e 's/\x1b\[[0-9;]*m//g' || status=$?

tests=0 failures=0 errors=0
shopt -s nullglob
for report in "$reports"/TEST-*.xml; do
    suite="$(grep -m1 -o '<testsuite [^>]*>' "$report")"
    attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$suite"; }
    t="$(attr tests)" f="$(attr failures)" e="$(attr errors)"
    name="$(sed -n 's/.* name="\([^"]*\)".*/\1/p' <<<"$suite")"
    printf '%s: %s tests, %s failures, %s errors\n' "${name##*.}" "$t" "$f" "$e"
    tests=$((tests + t)) failures=$((failures + f)) errors=$((errors + e))
done
echo "Android (Robolectric): $tests tests, $failures failures, $errors errors"
if ((status != 0)) || ((tests == 0)) || ((failures + errors > 0)); then
    exit 1
fi
