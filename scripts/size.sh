#!/usr/bin/env bash
# Size of the mobile library (issue 9, item 3).
#
# Builds liblaowu_ffi.so with the `mobile` profile (opt-level "s", fat LTO, one
# codegen unit, stripped, unwinding kept) and prints:
#   - its stripped size in bytes and MB (target/mobile/liblaowu_ffi.so);
#   - its ELF sections (code, read-only data, unwind tables...);
#   - each crate's share of the code, from cargo-bloat (`--crates`). cargo-bloat
#     needs symbols, so it analyses a second build of the same profile with only
#     `strip = false` (passed as --config, in target/size-analysis, so the
#     shipped file in target/mobile stays the stripped one). Its per-crate figures
#     cover the .text section; C code (bundled SQLite, ring's C and assembly) has
#     no crate in its symbol names (cargo-bloat's "[Unknown]"), so the script
#     also sums the sizes of the unmangled symbols (`nm --size-sort`) of that
#     build: ring's C and assembly, and SQLite (trimmed by LIBSQLITE3_FLAGS in
#     .cargo/config.toml; its FTS5 line checks that full-text search stays out);
#   - a FIGURE line: FIGURE, name, MB, unit, target, met/missed (tab-separated).
#
# 1 MB here is 1,000,000 bytes. The target is 4 MB stripped on x86_64 Linux, a
# proxy for one Android ABI. Installs cargo-bloat (crates.io) if it is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in
    /*) ;;
    *) target_dir="$root/$target_dir" ;;
esac
lib="$target_dir/mobile/liblaowu_ffi.so"
analysis_dir="$target_dir/size-analysis"
limit_bytes=4000000

# The Android builds pack their relative relocations (`--pack-dyn-relocs=android`,
# scripts/build-android-libs.sh): most of a PIC library's .rela.dyn. The Linux stand-in packs them the way glibc 2.36+ loads them (RELR,
# `-z pack-relative-relocs`), so the figure counts relocations as a phone
# stores them. (Such a file needs glibc 2.36 to load; it is only measured.)
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,pack-relative-relocs"

echo "== RUSTFLAGS='$RUSTFLAGS' cargo build -p laowu-ffi --profile mobile --locked" >&2
cargo build -p laowu-ffi --profile mobile --locked

bytes="$(stat -c %s "$lib")"
mb="$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1e6 }')"
echo
echo "$lib: $bytes bytes ($mb MB, $(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1048576 }') MiB), stripped"
if command -v file >/dev/null 2>&1; then
    file -b "$lib"
fi

echo
echo "Sections (bytes):"
size -A "$lib" | awk 'NR > 2 && $1 != "Total" && $2 > 0 { printf "  %-22s %10d\n", $1, $2 }' | sort -k2 -nr

if ! command -v cargo-bloat >/dev/null 2>&1; then
    echo "== cargo install cargo-bloat --locked" >&2
    cargo install cargo-bloat --locked
fi

echo
echo "== cargo bloat -p laowu-ffi --profile mobile --lib --crates (strip = false, $analysis_dir)" >&2
echo "Per crate, .text of the same build unstripped (cargo-bloat):"
cargo bloat -p laowu-ffi --profile mobile --lib --crates -n 25 --locked \
    --target-dir "$analysis_dir" --config 'profile.mobile.strip=false'

unstripped="$analysis_dir/mobile/liblaowu_ffi.so"
echo
echo "C code in the unstripped build (nm symbol sizes; Rust symbols are mangled, C ones are not):"
nm --size-sort -S -t d "$unstripped" | awk '
    NF < 4 { next }
    { size = $2 + 0; name = $4 }
    name ~ /^(_ZN|_R|uniffi_|ffi_|UNIFFI_|rust_|__rust)/ { next }
    name ~ /ring_core_|nistz/ { ring += size; next }
    name ~ /[Ff]ts5/ { fts5 += size }
    { other += size }
    END {
        printf "  %-44s %10d bytes\n", "ring C and assembly (ring_core_*)", ring
        printf "  %-44s %10d bytes\n", "SQLite and other C (all other plain symbols)", other
        printf "  %-44s %10d bytes\n", "  of which SQLite FTS5 (*fts5*)", fts5
    }'

status="met"
if [ "$bytes" -gt "$limit_bytes" ]; then
    status="missed"
fi
echo
printf 'FIGURE\tmobile library, stripped (x86_64 Linux)\t%s\tMB\t<= 4 MB\t%s\n' "$mb" "$status"
