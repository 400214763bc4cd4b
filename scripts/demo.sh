#!/usr/bin/env bash
# The main job. First `laowu demo`: a server in-process on a free loopback
# port, a worker and a supervisor end to end over HTTP (registration with the
# SMS code, check-ins, sync, review, the decision back, the wages CSV). Then
# a simulated phone's privacy walk: it refuses to collect before consent,
# stores a worker's personal data sealed once they agree, proves none of it is
# on disk in clear, refuses a wrong key, checks in at a site (field check-in,
# mock location, review, the signed chain), honours a withdrawal, verifies a
# real name (shown masked), and deletes the account with its deadline. Uses a fresh phone home under ./laowu-phone-demo.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

cargo build -q -p laowu-cli --locked
echo "== the whole product, end to end: laowu demo"
"$ROOT/target/debug/laowu" demo
echo
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
echo "== a site office sets up a site (GCJ-02, as drawn on an Amap map) with its WiFi"
laowu site add --name '贵阳一号工地' --lat 26.6433 --lon 106.6338 --radius 300 --datum gcj02 \
    --wifi 'aa:bb:cc:00:00:01,工地办公室'

echo
echo "== the worker checks in with a GPS fix (WGS-84): inside, normal, signed and chained"
laowu checkin --lat 26.6470 --lon 106.6302 --accuracy 15 --wifi 'AA:BB:CC:00:00:01,工地办公室,-58'

echo
echo "== away from the site: the preview says why it would be rejected; with a reason it is a field check-in"
laowu checkin --lat 26.6700 --lon 106.6302 --accuracy 20 --dry-run
field=$(laowu --json checkin --lat 26.6700 --lon 106.6302 --accuracy 20 --reason '去材料市场采购钢筋' \
    | sed -E 's/.*"record_id":"([0-9a-f]{32})".*/\1/')

echo
echo "== a mock location is rejected and named"
laowu checkin --lat 26.6470 --lon 106.6302 --accuracy 5 --mock --dry-run

echo
echo "== the supervisor approves the field check-in (as sync would deliver it); history and the chain"
laowu review --id "$field" --approve --note '已核实'
laowu history
laowu attendance verify
for marker in '26.647' '106.630' 'aa:bb:cc:00:00:01'; do
    hits=$(cat "$HOME_DIR"/laowu.db* | grep -c -a -F "$marker" || true)
    [[ "$hits" == 0 ]] || { echo "plaintext '$marker' found on disk" >&2; exit 1; }
done
echo "no coordinate or BSSID on disk in clear"

echo
echo "== the worker withdraws attendance: collection stops and location data is shredded"
laowu consent withdraw --purpose attendance
laowu record list --category location
set +e; laowu record put --purpose attendance --category location --kind fix --value '39.9,116.4'; code=$?; set -e
[[ "$code" == 3 ]] || exit 1
set +e; laowu checkin --lat 26.6470 --lon 106.6302 --accuracy 15; code=$?; set -e
echo "check-in after withdrawal: exit code $code"
[[ "$code" == 3 ]] || exit 1

echo
echo "== real-name verification by ID card and face check (its own sensitive grant), shown masked"
set +e; laowu identity set --name '欧阳娜娜' --id-number 11010519491231002X --face-verdict pass --face-score 0.96; code=$?; set -e
echo "before the real-name grant: exit code $code"
[[ "$code" == 3 ]] || exit 1
laowu consent accept --purpose real_name_id --purpose registration --purpose logs
laowu identity register --name '欧阳娜娜' --mobile '+86 138-1234-1234' >/dev/null
laowu identity set --name '欧阳娜娜' --id-number 11010519491231002X --face-verdict pass --face-score 0.96 >/dev/null
laowu identity show
set +e; laowu identity correct --field id_number --value 11010519491231002X; code=$?; set -e
echo "correcting verified data: exit code $code"
[[ "$code" == 2 ]] || exit 1

echo
echo "== the worker deletes the account: every key shredded, the store removed, a signed request left for the server"
laowu account delete
ls -A "$HOME_DIR"
laowu status
