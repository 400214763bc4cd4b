#!/usr/bin/env bash
# The main job, for now: a simulated phone refuses to collect before consent,
# stores a worker's personal data sealed once they agree, proves none of it is
# on disk in clear, refuses a wrong key, honours a withdrawal, and shreds a
# category. Uses a fresh phone home under ./laowu-phone-demo.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

cargo build -q -p laowu-cli --locked
laowu() { "$ROOT/target/debug/laowu" --home "$HOME_DIR" "$@"; }
HOME_DIR="$ROOT/laowu-phone-demo"
rm -rf "$HOME_DIR"

echo "== a fresh phone"
laowu status
laowu init

echo
echo "== before consent nothing personal is collected (exit 3)"
set +e; laowu record put --purpose registration --category identity --kind name --value '张伟'; code=$?; set -e
echo "exit code: $code"
[[ "$code" == 3 ]] || exit 1

echo
echo "== the worker accepts the essential purposes and attendance, each chosen separately"
laowu policy show
laowu consent accept --purpose registration --purpose logs --purpose attendance

echo
echo "== a worker's data goes into the sealed store"
name_id=$(laowu record put --purpose registration --category identity --kind name --value '张伟')
laowu record put --purpose registration --category identity --kind mobile --value '13800138000' --lookup >/dev/null
laowu record put --purpose attendance --category location --kind fix --value '39.908722,116.397499' >/dev/null
laowu record list --category identity

echo
echo "== nothing of it is on disk in clear"
for marker in '张伟' '13800138000' '39.908722'; do
    hits=$(cat "$HOME_DIR"/laowu.db* | grep -c -a -F "$marker" || true)
    echo "raw files containing '$marker': $hits"
    [[ "$hits" == 0 ]] || { echo "plaintext found on disk" >&2; exit 1; }
done

echo
echo "== a replaced vault key is refused (exit 4), the right one reads everything back"
cp "$HOME_DIR/vault.key" "$HOME_DIR/vault.key.right"
head -c 32 /dev/urandom >"$HOME_DIR/vault.key"
set +e; laowu status; code=$?; set -e
echo "exit code: $code"
[[ "$code" == 4 ]] || exit 1
mv "$HOME_DIR/vault.key.right" "$HOME_DIR/vault.key"
laowu record get "$name_id"

echo
echo "== the worker withdraws attendance: collection stops and location data is shredded"
laowu consent withdraw --purpose attendance
laowu record list --category location
set +e; laowu record put --purpose attendance --category location --kind fix --value '39.9,116.4'; code=$?; set -e
[[ "$code" == 3 ]] || exit 1

echo
echo "== the worker's identity data is shredded"
laowu shred --category identity
laowu status
