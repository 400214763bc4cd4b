#!/usr/bin/env bash
# Proves the generated C header, the static library and the generated Swift
# agree, without a Swift compiler: a C probe compiled with gcc against
# laowuFFI.h and linked with liblaowu_ffi.a calls the contract-version function
# and every checksum function, comparing each with the value the generated
# Swift expects, and round-trips a RustBuffer.
#
#   scripts/check-c-header.sh [TARGET_DIR/debug]   (run scripts/gen-swift.sh first)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib_dir="${1:-$ROOT/target/debug}"
header_dir="$ROOT/bindings/swift/Sources/LaowuFFI/include"
swift="$ROOT/bindings/swift/Sources/Laowu/Laowu.swift"
for f in "$lib_dir/liblaowu_ffi.a" "$header_dir/laowuFFI.h" "$swift"; do
    [[ -f "$f" ]] || { echo "check-c-header: missing $f (build laowu-ffi and run gen-swift.sh)" >&2; exit 2; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

contract="$(sed -n 's/.*let bindings_contract_version = \([0-9]*\).*/\1/p' "$swift")"
[[ -n "$contract" ]] || { echo "check-c-header: no contract version in the Swift bindings" >&2; exit 1; }
mapfile -t checks < <(sed -n 's/.*if (\(uniffi_laowu_ffi_checksum_[a-z0-9_]*\)() != \([0-9]*\)).*/\1 \2/p' "$swift")
((${#checks[@]} > 0)) || { echo "check-c-header: no checksum checks found in the Swift bindings" >&2; exit 1; }

{
    echo '#include <stdio.h>'
    echo '#include <stdint.h>'
    echo '#include "laowuFFI.h"'
    echo 'int main(void) {'
    echo '    int failures = 0;'
    echo "    if (ffi_laowu_ffi_uniffi_contract_version() != $contract) { puts(\"contract version mismatch\"); failures++; }"
    for check in "${checks[@]}"; do
        read -r fn expected <<<"$check"
        echo "    if ($fn() != $expected) { puts(\"$fn mismatch\"); failures++; }"
    done
    cat <<'C'
    RustCallStatus status = {0};
    RustBuffer buf = ffi_laowu_ffi_rustbuffer_alloc(64, &status);
    if (status.code != 0 || buf.capacity < 64 || buf.data == NULL) { puts("rustbuffer_alloc failed"); failures++; }
    ffi_laowu_ffi_rustbuffer_free(buf, &status);
    if (status.code != 0) { puts("rustbuffer_free failed"); failures++; }
C
    echo "    printf(\"c-header: checked the contract version and %d checksums: %d mismatches\\n\", ${#checks[@]}, failures);"
    echo '    return failures != 0;'
    echo '}'
} >"$work/probe.c"

# The header uses clang's nullability keywords; gcc does not know them.
gcc -std=c11 -Wall -Werror -D_Nonnull= -D_Nullable= -I"$header_dir" "$work/probe.c" \
    "$lib_dir/liblaowu_ffi.a" -lpthread -ldl -lm -o "$work/probe"
"$work/probe"
