#!/usr/bin/env bash
# What the FFI costs a Kotlin caller (issue 9, item 2).
#
# Builds the release liblaowu_ffi.so, generates the Kotlin bindings from it (as
# scripts/test-kotlin.sh does, but into bindings/kotlin/target/bench), and runs
# in one go:
#   1. cn.laowu.core.FfiBench (bindings/kotlin/src/bench/kotlin) through Maven's
#      `bench` profile on the JVM: a warmed loop over LaowuStore.checkIn with fake
#      location/WiFi providers, attendanceHistory() on a store holding 1,000
#      check-ins, consent() and a bare JNA call into the library;
#   2. the same sequence in Rust, calling the same laowu-ffi objects directly (no
#      FFI): a small program this script writes under target/ffi-bench-rust and
#      builds against bindings/ffi with the workspace's Cargo.lock.
# Then prints FIGURE lines (tab-separated: name, value, unit, target, met/missed):
#   - check-in call from Kotlin (median µs per call),
#   - 1,000 history rows from Kotlin (median ms per call),
#   - FFI crossing cost: consent() from Kotlin minus consent() in Rust (median µs),
#     i.e. one complete method round trip that does no work in Rust,
#   - FFI share of a check-in: (Kotlin check-in - Rust check-in) / Kotlin check-in.
# Medians are used for the figures; means and p99 are printed alongside.
#
# A check-in reads the chain it extends, so its cost grows with the history: the
# check-ins run in rounds of BENCH_ROUND (500, about a year of punches) on a fresh
# store each, BENCH_WARMUP_ROUNDS (3) unmeasured, then BENCH_ROUNDS (4) timed call
# by call. BENCH_HISTORY_ITERS (200) history fetches; BENCH_CROSSING_BATCH (100000)
# bare calls per batch, consent() a hundredth of that, 20 batches each.
# Needs cargo, a JDK 17+ and Maven 3.8+.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

for tool in cargo java mvn awk; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "bench-kotlin.sh: $tool not found on PATH" >&2
        exit 1
    fi
done

round="${BENCH_ROUND:-500}"
warmup_rounds="${BENCH_WARMUP_ROUNDS:-3}"
rounds="${BENCH_ROUNDS:-4}"
history_warmup=30
history_iters="${BENCH_HISTORY_ITERS:-200}"
crossing_batch="${BENCH_CROSSING_BATCH:-100000}"

target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in
    /*) ;;
    *) target_dir="$root/$target_dir" ;;
esac
lib_dir="$target_dir/release"
kotlin_dir="$root/bindings/kotlin"
# The bench profile builds under target/bench, apart from what the tests compile.
generated="$kotlin_dir/target/bench/generated-sources/uniffi"

echo "== cargo build -p laowu-ffi --release" >&2
cargo build -p laowu-ffi --release

rm -rf "$generated"
cargo run -q -p uniffi-bindgen -- generate "$lib_dir/liblaowu_ffi.so" \
    --language kotlin --out-dir "$generated" --no-format

# The Rust side: the same calls on the same objects, without crossing the FFI.
rust_dir="$target_dir/ffi-bench-rust"
mkdir -p "$rust_dir/src"
cat >"$rust_dir/Cargo.toml" <<EOF
# Written by scripts/bench-kotlin.sh; not part of the workspace.
[package]
name = "laowu-ffi-rust-bench"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
laowu-ffi = { path = "$root/bindings/ffi" }

[workspace]
EOF
cp "$root/Cargo.lock" "$rust_dir/Cargo.lock"
cat >"$rust_dir/src/main.rs" <<'EOF'
//! The Rust half of scripts/bench-kotlin.sh: FfiBench.kt's sequence on the
//! laowu-ffi objects, called directly. Prints the same RESULT lines (ns).
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use laowu_ffi::*;

const NOW: i64 = 1_795_485_600_000;
const BOOT: i64 = 5_000_000;
const STEP: i64 = 60_000;
const SITE_ID: &str = "gy-1";
const SITE_LAT: f64 = 26.6470;
const SITE_LON: f64 = 106.6302;

/// Stands in for the platform key store (XOR; only used when a store opens).
struct XorVault(AtomicUsize);
impl KeyVault for XorVault {
    fn wrap(&self, _c: DataCategory, key: Vec<u8>) -> Result<Vec<u8>, VaultError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(key.iter().map(|b| b ^ 0x5a).collect())
    }
    fn unwrap(&self, _c: DataCategory, wrapped: Vec<u8>) -> Result<Vec<u8>, VaultError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(wrapped.iter().map(|b| b ^ 0x5a).collect())
    }
    fn destroy(&self, _c: DataCategory) -> Result<(), VaultError> {
        Ok(())
    }
}

struct FakeLocation(Mutex<Option<LocationFix>>, AtomicUsize);
impl LocationProvider for FakeLocation {
    fn current_fix(&self) -> Option<LocationFix> {
        self.1.fetch_add(1, Ordering::Relaxed);
        self.0.lock().unwrap().clone()
    }
}

struct FakeWifi(Vec<WifiAccessPoint>);
impl WifiScanner for FakeWifi {
    fn scan(&self) -> Vec<WifiAccessPoint> {
        self.0.clone()
    }
}

fn fix(i: i64) -> LocationFix {
    LocationFix {
        lat: SITE_LAT + 0.0001,
        lon: SITE_LON,
        accuracy_m: 10.0,
        datum: MapDatum::Wgs84,
        provider: FixProvider::Gps,
        device_time_ms: NOW + i * STEP - 2_000,
        elapsed_ms: BOOT + i * STEP - 2_000,
        mock: false,
        speed_mps: None,
    }
}

fn scan() -> Vec<WifiAccessPoint> {
    vec![
        WifiAccessPoint { bssid: "aa:bb:cc:00:00:01".into(), ssid: "工地WiFi".into(), rssi_dbm: -55 },
        WifiAccessPoint { bssid: "aa:bb:cc:00:00:02".into(), ssid: "隔壁".into(), rssi_dbm: -70 },
    ]
}

fn site_json() -> String {
    format!(
        r#"{{"id": "{SITE_ID}", "name": "贵阳一号工地", "datum": "wgs84",
         "fences": [{{"type": "circle", "lat": {SITE_LAT}, "lon": {SITE_LON}, "radius_m": 300.0}}],
         "wifi": [{{"bssid": "aa:bb:cc:00:00:01", "ssid": "工地WiFi"}}],
         "rule": "either"}}"#
    )
}

fn phone(dir: &std::path::Path, vault: Arc<XorVault>) -> Arc<LaowuStore> {
    let s = LaowuStore::open(dir.to_string_lossy().into_owned(), vault).expect("open");
    let all = s.consent().purposes.into_iter().map(|p| p.id).collect();
    s.accept(all, NOW - 60_000).expect("accept");
    s.add_site(site_json(), NOW - 50_000).expect("site");
    s
}

fn report(name: &str, mut samples: Vec<u64>) {
    samples.sort_unstable();
    let n = samples.len();
    let mean = samples.iter().sum::<u64>() as f64 / n as f64;
    let p99 = samples[(n * 99 / 100).min(n - 1)];
    println!("RESULT\t{name}\t{}\t{mean:.1}\t{p99}\tns\t{n}", samples[n / 2]);
}

fn batched(batches: usize, per: usize, mut body: impl FnMut()) -> Vec<u64> {
    (0..batches)
        .map(|_| {
            let t0 = Instant::now();
            for _ in 0..per {
                body();
            }
            t0.elapsed().as_nanos() as u64 / per as u64
        })
        .collect()
}

fn check_in(s: &LaowuStore, loc: &Arc<FakeLocation>, wifi: &Arc<FakeWifi>, i: i64) -> CheckInResult {
    s.check_in(
        Some(SITE_ID.into()),
        None,
        loc.clone(),
        wifi.clone(),
        NOW + i * STEP,
        BOOT + i * STEP,
    )
    .expect("check-in")
}

fn main() {
    let arg = |i: usize| -> usize { std::env::args().nth(i).expect("argument").parse().expect("number") };
    let (round, warmup_rounds, rounds) = (arg(1), arg(2), arg(3));
    let (history_warmup, history_iters, crossing_batch) = (arg(4), arg(5), arg(6));
    let tmp = std::env::temp_dir().join(format!("laowu-ffi-rust-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let vault = Arc::new(XorVault(AtomicUsize::new(0)));
    let mut sink = 0usize;

    {
        let s = phone(&tmp.join("consent"), vault.clone());
        batched(10, crossing_batch / 100, || sink += std::hint::black_box(s.consent()).purposes.len());
        report(
            "crossing.consent",
            batched(20, crossing_batch / 100, || sink += std::hint::black_box(s.consent()).purposes.len()),
        );
    }
    {
        let mut samples = Vec::with_capacity(rounds * round);
        let mut verdicts = std::collections::BTreeMap::<String, usize>::new();
        let mut vault_calls = 0;
        for r in 0..warmup_rounds + rounds {
            let measured = r >= warmup_rounds;
            let s = phone(&tmp.join(format!("checkin-{r}")), vault.clone());
            let loc = Arc::new(FakeLocation(Mutex::new(None), AtomicUsize::new(0)));
            let wifi = Arc::new(FakeWifi(scan()));
            let before = vault.0.load(Ordering::Relaxed);
            for i in 0..round as i64 {
                *loc.0.lock().unwrap() = Some(fix(i));
                let t0 = Instant::now();
                let res = check_in(&s, &loc, &wifi, i);
                let dt = t0.elapsed().as_nanos() as u64;
                if measured {
                    samples.push(dt);
                    *verdicts.entry(res.verdict).or_default() += 1;
                }
            }
            vault_calls += vault.0.load(Ordering::Relaxed) - before;
            assert_eq!(loc.1.load(Ordering::Relaxed), round);
        }
        report("checkin", samples);
        println!("INFO\tcheckin.verdicts\t{verdicts:?}");
        println!("INFO\tcheckin.vault_calls\t{vault_calls}");
    }
    {
        let s = phone(&tmp.join("history"), vault.clone());
        let loc = Arc::new(FakeLocation(Mutex::new(None), AtomicUsize::new(0)));
        let wifi = Arc::new(FakeWifi(scan()));
        for i in 0..1_000 {
            *loc.0.lock().unwrap() = Some(fix(i));
            check_in(&s, &loc, &wifi, i);
        }
        assert_eq!(s.attendance_history().unwrap().len(), 1_000);
        for _ in 0..history_warmup {
            sink += s.attendance_history().unwrap().len();
        }
        let mut samples = Vec::with_capacity(history_iters);
        for _ in 0..history_iters {
            let t0 = Instant::now();
            let rows = s.attendance_history().unwrap();
            samples.push(t0.elapsed().as_nanos() as u64);
            sink += rows.len();
        }
        report("history1000", samples);
    }
    println!("INFO\tsink\t{sink}");
    let _ = std::fs::remove_dir_all(&tmp);
}
EOF

echo "== cargo build --release (Rust counterpart, $rust_dir)" >&2
CARGO_TARGET_DIR="$target_dir" cargo build -q --release --manifest-path "$rust_dir/Cargo.toml"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "== Kotlin: mvn -Pbench test-compile exec:exec@ffi-bench" >&2
(
    cd "$kotlin_dir"
    mvn -B -q -Dstyle.color=never -Pbench test-compile exec:exec@ffi-bench \
        -Djna.library.path="$lib_dir" \
        -Dbench.round="$round" -Dbench.warmup.rounds="$warmup_rounds" -Dbench.rounds="$rounds" \
        -Dbench.history.warmup="$history_warmup" -Dbench.history.iters="$history_iters" \
        -Dbench.crossing.batch="$crossing_batch"
) 2>&1 | sed -u -e 's/\x1b\[[0-9;]*m//g' | tee "$out/kotlin"

echo "== Rust: $lib_dir/laowu-ffi-rust-bench" >&2
"$lib_dir/laowu-ffi-rust-bench" "$round" "$warmup_rounds" "$rounds" "$history_warmup" "$history_iters" "$crossing_batch" \
    | tee "$out/rust"

for side in kotlin rust; do
    if ! grep -q $'^RESULT\tcheckin\t' "$out/$side"; then
        echo "bench-kotlin.sh: the $side benchmark printed no result" >&2
        exit 1
    fi
done

awk -F'\t' '
    FNR == 1 { side = (FILENAME ~ /kotlin$/) ? "k" : "r" }
    $1 == "RESULT" { med[side, $2] = $3; mean[side, $2] = $4; p99[side, $2] = $5 }
    END {
        printf "\n%-18s %14s %14s %14s %14s\n", "median (mean, p99)", "Kotlin", "", "Rust", ""
        n = split("crossing.raw crossing.consent checkin history1000", names, " ")
        for (i = 1; i <= n; i++) {
            m = names[i]
            printf "%-18s %11.2f µs  (%.2f, %.2f)   ", m, med["k", m] / 1000, mean["k", m] / 1000, p99["k", m] / 1000
            if (("r", m) in med) printf "%11.2f µs  (%.2f, %.2f)\n", med["r", m] / 1000, mean["r", m] / 1000, p99["r", m] / 1000
            else printf "%11s\n", "—"
        }
        print ""
        checkin = med["k", "checkin"] / 1000
        history = med["k", "history1000"] / 1e6
        crossing = (med["k", "crossing.consent"] - med["r", "crossing.consent"]) / 1000
        share = 100 * (med["k", "checkin"] - med["r", "checkin"]) / med["k", "checkin"]
        printf "FIGURE\tcheck-in call from Kotlin\t%.1f\tµs\t—\t—\n", checkin
        printf "FIGURE\t1,000 history rows from Kotlin\t%.2f\tms\t—\t—\n", history
        printf "FIGURE\tFFI crossing cost\t%.2f\tµs\t—\t—\n", crossing
        printf "FIGURE\tFFI share of a check-in\t%.1f\t%%\t—\t—\n", share
    }
' "$out/kotlin" "$out/rust"
