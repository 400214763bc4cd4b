#!/usr/bin/env bash
# Every test of the project, in the order a failure is cheapest to find:
# formatting and lints, the Rust tests (unit, CLI, proof tests), the server's
# tests again on PostgreSQL (a throwaway cluster on loopback), the Swift
# syntax check over hand-written and freshly generated Swift, the Kotlin tests
# on the JVM against the real library, the Android app under Robolectric.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (workspace)"
cargo test --workspace --locked

step "PostgreSQL: the server's tests and the two-process fault test on a throwaway cluster"
pg_url="$(scripts/postgres.sh start)"
trap 'scripts/postgres.sh stop' EXIT
LAOWU_TEST_POSTGRES="$pg_url" cargo test --locked -p laowu-server
LAOWU_TEST_POSTGRES="$pg_url" cargo test --locked -p laowu-tests --test faults_two_processes
scripts/postgres.sh stop
trap - EXIT

step "Swift: generate the bindings from the freshly built library, syntax-check every .swift file, check the C header against the static library"
cargo build -p laowu-ffi --locked
scripts/gen-swift.sh target/debug/liblaowu_ffi.so
scripts/check-swift.sh
scripts/check-c-header.sh
(cd tools/swift-syntax-check && npm test --silent)
node ios/check-strings.js

step "Kotlin: generate the bindings and run the JUnit tests against the real library"
scripts/test-kotlin.sh

step "Android: compile the app against the Android framework jars and run its Robolectric tests on the real library"
scripts/test-android.sh

step "all tests passed"
