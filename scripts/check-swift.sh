#!/usr/bin/env bash
# Syntax-checks Swift sources with tree-sitter-swift (tools/swift-syntax-check),
# so the Swift side of the project is checked on machines without a Swift compiler.
#
#   scripts/check-swift.sh                 # every tracked or untracked-but-not-ignored *.swift
#                                          # file, plus the generated ones in bindings/swift/Sources
#   scripts/check-swift.sh PATH...         # just these files / directories
#
# Installs the checker's npm dependencies (npm ci, from the committed lockfile)
# when node_modules is missing or was installed from a different lockfile.
# Exits 1 on any syntax error and 2 when there is no Swift file to check.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOL="$ROOT/tools/swift-syntax-check"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "check-swift: node and npm are required (Node.js 18 or newer)" >&2
    exit 2
fi

# Reinstall when the lockfile changed since the last install.
lock_hash="$(sha256sum "$TOOL/package-lock.json" | cut -d' ' -f1)"
stamp="$TOOL/node_modules/.installed-from-lock"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
    echo "check-swift: installing the checker's dependencies (npm ci)" >&2
    # Install scripts stay off (also set in the tool's .npmrc): the parsers ship
    # prebuilt binaries, and tree-sitter-cli's script would download from outside npm.
    (cd "$TOOL" && npm ci --no-audit --no-fund --ignore-scripts >&2)
    echo "$lock_hash" >"$stamp"
fi

if [[ $# -gt 0 ]]; then
    exec node "$TOOL/check.js" --quiet -- "$@"
fi

cd "$ROOT"
files=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # -c lists files deleted from the work tree too: keep only those that exist.
    while IFS= read -r -d '' f; do
        [[ -f "$f" ]] && files+=("$f")
    done < <(git ls-files -z -co --exclude-standard -- '*.swift')
else
    echo "check-swift: not a git work tree; checking every *.swift file under $ROOT" >&2
    files+=(.)
fi

# The generated bindings are gitignored build output, so git does not list them.
if [[ -d bindings/swift/Sources ]]; then
    while IFS= read -r -d '' f; do
        files+=("$f")
    done < <(find bindings/swift/Sources -name '*.swift' -type f -print0 | sort -z)
fi

# With no file at all the checker refuses to pass rather than checking nothing.
exec node "$TOOL/check.js" --quiet -- "${files[@]}"
