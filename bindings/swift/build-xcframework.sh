#!/usr/bin/env bash
# macOS with Xcode only: builds laowu-ffi as a static library for iOS devices,
# the iOS simulator and macOS, and packs the slices into LaowuRust.xcframework,
# the binary target of Package.swift.
#
#   bindings/swift/build-xcframework.sh [CARGO_PROFILE]    # default: mobile (see Cargo.toml)
#
# It then runs scripts/gen-swift.sh from the same source, so the package is
# complete: the generated Swift checks at start-up that the library's API
# checksums match its own.
set -euo pipefail

if [[ "$(uname -s)" != Darwin ]] || ! command -v xcodebuild >/dev/null 2>&1; then
    echo "build-xcframework: needs macOS with Xcode (xcodebuild, lipo)" >&2
    exit 1
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PROFILE="${1:-mobile}"
case "$PROFILE" in
    dev) PROFILE_DIR=debug ;;
    *) PROFILE_DIR="$PROFILE" ;;
esac

# Keep in step with `platforms:` in Package.swift.
export IPHONEOS_DEPLOYMENT_TARGET=15.0
export MACOSX_DEPLOYMENT_TARGET=12.0

TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${TARGETS[@]}"
for target in "${TARGETS[@]}"; do
    cargo build --manifest-path "$ROOT/Cargo.toml" -p laowu-ffi --profile "$PROFILE" --target "$target"
done

lib() {
    echo "$ROOT/target/$1/$PROFILE_DIR/liblaowu_ffi.a"
}

# One library per platform: the simulator and macOS slices each join two architectures.
work="$ROOT/target/xcframework"
rm -rf "$work"
mkdir -p "$work/ios-simulator" "$work/macos"
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$work/ios-simulator/liblaowu_ffi.a"
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$work/macos/liblaowu_ffi.a"

# No -headers: the header and module map come from the LaowuFFI target, and a
# second copy inside the XCFramework would define the LaowuFFI module twice.
rm -rf "$HERE/LaowuRust.xcframework"
xcodebuild -create-xcframework \
    -library "$(lib aarch64-apple-ios)" \
    -library "$work/ios-simulator/liblaowu_ffi.a" \
    -library "$work/macos/liblaowu_ffi.a" \
    -output "$HERE/LaowuRust.xcframework"

# The header and module map (the LaowuFFI target) and the Swift (the Laowu target).
# A host build is enough: the generated code does not depend on the target.
cargo build --manifest-path "$ROOT/Cargo.toml" -p laowu-ffi
"$ROOT/scripts/gen-swift.sh" "$ROOT/target/debug/liblaowu_ffi.dylib"

echo "build-xcframework: wrote bindings/swift/LaowuRust.xcframework ($PROFILE profile) and the generated sources"
