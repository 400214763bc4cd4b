#!/usr/bin/env bash
# Generates the Swift bindings of laowu-ffi and puts them where the Swift package
# in bindings/swift expects them:
#
#   <module>.swift      -> bindings/swift/Sources/Laowu/Laowu.swift
#   <ffi module>.h      -> bindings/swift/Sources/LaowuFFI/include/<ffi module>.h
#   <ffi module>.modulemap
#                       -> bindings/swift/Sources/LaowuFFI/include/module.modulemap
#
# Usage: scripts/gen-swift.sh [LIBRARY] [UNIFFI_BINDGEN_OPTION...]
#
# LIBRARY is the built laowu-ffi library (default: target/debug/liblaowu_ffi.so,
# or liblaowu_ffi.dylib on macOS); build it first with `cargo build -p laowu-ffi`.
# Further options go to `uniffi-bindgen generate`, e.g. `--config FILE`.
# All three files are build output and gitignored.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PACKAGE="$ROOT/bindings/swift"
# Must match the targets in bindings/swift/Package.swift and the
# [bindings.swift] settings in bindings/ffi/uniffi.toml.
FFI_MODULE="LaowuFFI"

die() {
    echo "gen-swift: $*" >&2
    exit 1
}

if [[ $# -gt 0 && "$1" != -* ]]; then
    lib="$1"
    shift
elif [[ "$(uname -s)" == Darwin ]]; then
    lib="$ROOT/target/debug/liblaowu_ffi.dylib"
else
    lib="$ROOT/target/debug/liblaowu_ffi.so"
fi
[[ -f "$lib" ]] || die "no library at $lib (build it with: cargo build -p laowu-ffi)"
lib="$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# Run from the workspace root: uniffi-bindgen finds each crate's uniffi.toml through `cargo metadata`.
(cd "$ROOT" && cargo run -q -p uniffi-bindgen -- \
    generate "$lib" --language swift --out-dir "$out" --no-format "$@")

shopt -s nullglob
swift_files=("$out"/*.swift)
headers=("$out"/*.h)
modulemaps=("$out"/*.modulemap)
shopt -u nullglob
if [[ ${#swift_files[@]} -ne 1 || ${#headers[@]} -ne 1 || ${#modulemaps[@]} -ne 1 ]]; then
    die "expected one .swift, one .h and one .modulemap from uniffi-bindgen, got: $(cd "$out" && echo *)"
fi

# The package's C target is named $FFI_MODULE, so the module map must declare that module.
if ! grep -Eq "^(framework )?module $FFI_MODULE \{" "${modulemaps[0]}"; then
    die "the generated module map declares '$(head -n 1 "${modulemaps[0]}")', not 'module $FFI_MODULE {':" \
        "set module_name = \"Laowu\" and ffi_module_name = \"$FFI_MODULE\" under [bindings.swift] in the crate's uniffi.toml"
fi

include="$PACKAGE/Sources/LaowuFFI/include"
rm -rf "$include"
mkdir -p "$include" "$PACKAGE/Sources/Laowu"
cp "${headers[0]}" "$include/"
# SwiftPM uses a C target's own module map only under this exact name.
cp "${modulemaps[0]}" "$include/module.modulemap"
cp "${swift_files[0]}" "$PACKAGE/Sources/Laowu/Laowu.swift"

echo "gen-swift: wrote bindings/swift/Sources/Laowu/Laowu.swift," \
    "bindings/swift/Sources/LaowuFFI/include/$(basename "${headers[0]}")" \
    "and bindings/swift/Sources/LaowuFFI/include/module.modulemap"
