#!/usr/bin/env bash
# Builds liblaowu_ffi.so for the ABIs the Android app ships (arm64-v8a, armeabi-v7a,
# x86_64) with cargo-ndk, into android/bindings/src/main/jniLibs/<abi>/, where Gradle
# packages them. Runnable from any directory.
#
# Needs rustup, cargo-ndk 4+ and the Android NDK (ANDROID_NDK_HOME, or an NDK installed
# through Android Studio's SDK Manager). It installs no tool; it only adds the three
# Android targets to the rustup toolchain, and says so.
#
# The profile is `mobile` (Cargo.toml: release, size-optimised, LTO, stripped), the one
# made for the library the phone apps ship.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/android/bindings/src/main/jniLibs"
# Must match abiFilters in android/app/build.gradle.kts.
ABIS=(arm64-v8a armeabi-v7a x86_64)
RUST_TARGETS=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android)
# The app's minSdk: link against the C library of the oldest Android the app runs on.
PLATFORM=26

die() {
    echo "build-android-libs: $*" >&2
    exit 1
}

command -v cargo >/dev/null 2>&1 || die "cargo not found on PATH (install Rust with rustup)"
command -v rustup >/dev/null 2>&1 ||
    die "rustup not found on PATH: it provides the Android standard libraries (install Rust with rustup)"
command -v cargo-ndk >/dev/null 2>&1 ||
    die "cargo-ndk not found on PATH: install it with 'cargo install cargo-ndk --locked'"

# cargo-ndk also finds an NDK on its own (ANDROID_HOME/ndk, or Android Studio's default SDK
# location); check the same places first so a missing NDK gets a clear message.
if [[ -n "${ANDROID_NDK_HOME:-}" ]]; then
    [[ -f "$ANDROID_NDK_HOME/source.properties" ]] ||
        die "ANDROID_NDK_HOME=$ANDROID_NDK_HOME is not an NDK directory (no source.properties)"
    echo "build-android-libs: NDK $ANDROID_NDK_HOME"
else
    sdk="${ANDROID_HOME:-${ANDROID_SDK_ROOT:-}}"
    if [[ -z "$sdk" ]]; then
        case "$(uname -s)" in
            Darwin) sdk="$HOME/Library/Android/sdk" ;;
            *) sdk="$HOME/Android/Sdk" ;;
        esac
    fi
    shopt -s nullglob
    ndks=("$sdk"/ndk/*/source.properties)
    shopt -u nullglob
    if [[ ${#ndks[@]} -eq 0 ]]; then
        die "ANDROID_NDK_HOME is not set and there is no NDK under $sdk/ndk." \
            "Install one (Android Studio > SDK Manager > SDK Tools > NDK (Side by side))" \
            "and export ANDROID_NDK_HOME=<Android SDK>/ndk/<version>"
    fi
    echo "build-android-libs: ANDROID_NDK_HOME is not set; cargo-ndk uses the newest NDK in $sdk/ndk"
fi

echo "build-android-libs: adding the Rust targets ${RUST_TARGETS[*]} (rustup target add)"
rustup target add "${RUST_TARGETS[@]}"

targets=()
for abi in "${ABIS[@]}"; do
    targets+=(-t "$abi")
done

cd "$ROOT"
# Relative relocations packed in Android's format (loaded since API 23; minSdk is 26): a PIC
# library's .rela.dyn otherwise holds a 24-byte entry for every pointer in its data. On the
# Linux stand-in the same packing took the library from 6,252,816 to 5,888,352 bytes
# (scripts/size.sh). cargo-ndk adds its own flags to the ones given here.
export CARGO_ENCODED_RUSTFLAGS="-Clink-arg=-Wl,--pack-dyn-relocs=android"
# cargo-ndk sets the NDK's compilers for the C parts (SQLite, ring), links 64-bit libraries
# for 16 KB memory pages, and copies each liblaowu_ffi.so to $OUT/<abi>/.
cargo ndk "${targets[@]}" --platform "$PLATFORM" -o "$OUT" \
    build -p laowu-ffi --profile mobile --locked

for abi in "${ABIS[@]}"; do
    [[ -f "$OUT/$abi/liblaowu_ffi.so" ]] || die "cargo-ndk finished without $OUT/$abi/liblaowu_ffi.so"
done
echo "build-android-libs: wrote liblaowu_ffi.so for ${ABIS[*]} to android/bindings/src/main/jniLibs"
