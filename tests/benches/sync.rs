//! Sync throughput, fault-free, over real HTTP on loopback, against the real
//! server in-process (embedded SQLite, `synchronous=FULL`).
//!
//! - one phone: check-ins per second through `Phone::sync` (batches of 100),
//!   with the ledger entries each check-in makes riding along;
//! - server ingest: 8 phones syncing at once, items per second stored.
//!
//! `cargo bench -p laowu-tests --bench sync` prints the median of 5 runs.
//! Recording the check-ins is not timed.

#[path = "../tests/common/server.rs"]
mod server;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use laowu_core::app::Phone;
use laowu_core::store::SoftwareVault;
use laowu_core::sync::SyncOptions;
use laowu_protocol::CodePurpose;
use laowu_tests::phone::{at_site, check_in_at_site};
use laowu_tests::sensors::now_ms;
use server::{sms_code, start_server};
use tokio::runtime::Runtime;

const RUNS: usize = 5;
const CHECK_INS: usize = 1_000;
const INGEST_PHONES: usize = 8;
const INGEST_CHECK_INS: usize = 500;
/// Fault-free sync of one phone: at least this many check-ins per second.
const TARGET_CHECK_INS_PER_S: usize = 1_000;

/// A signed-in phone holding `check_ins` unsynced check-ins.
fn phone(home: &Path, url: &str, sms_log: &Path, i: usize, check_ins: usize) -> Phone {
    std::fs::create_dir_all(home).unwrap();
    let vault = Arc::new(SoftwareVault::open_or_create(home).unwrap());
    let phone = at_site(home, vault, now_ms()).unwrap();
    let number = format!("1390013{i:04}");
    phone
        .request_code(Some(url), &number, CodePurpose::Register, now_ms())
        .unwrap();
    let code = sms_code(sms_log, &number);
    phone
        .register_account(None, &number, &code, "bench-password", now_ms())
        .unwrap();
    for _ in 0..check_ins {
        check_in_at_site(&phone, now_ms()).unwrap();
    }
    phone
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would run this too.
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    let runtime = Runtime::new().unwrap();
    let options = SyncOptions::default();

    let mut per_phone = Vec::new();
    let mut items_per_s = Vec::new();
    for run in 0..RUNS {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("server");
        let url = start_server(&runtime, &data);
        let p = phone(
            &tmp.path().join("phone"),
            &url,
            &data.join("sms.log"),
            run,
            CHECK_INS,
        );
        let start = Instant::now();
        let report = p.sync(&options, now_ms(), now_ms()).unwrap();
        let took = start.elapsed();
        assert_eq!(report.outbox, 0);
        per_phone.push(CHECK_INS as f64 / took.as_secs_f64());
        items_per_s.push(report.accepted as f64 / took.as_secs_f64());
    }
    println!(
        "one phone, {CHECK_INS} check-ins (+ their ledger entries), batches of 100: median {:.0} check-ins/s ({:.0} items/s); runs {:?}",
        median(per_phone.clone()),
        median(items_per_s),
        per_phone.iter().map(|v| v.round()).collect::<Vec<_>>()
    );

    let throughput = median(per_phone.clone());
    println!(
        "FIGURE\tsync throughput, one phone\t{throughput:.0}\tcheck-ins/s\t>= {TARGET_CHECK_INS_PER_S} check-ins/s\t{}",
        if throughput >= TARGET_CHECK_INS_PER_S as f64 {
            "met"
        } else {
            "missed"
        },
    );

    let mut ingest = Vec::new();
    for run in 0..RUNS {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("server");
        let url = start_server(&runtime, &data);
        let phones: Vec<Phone> = (0..INGEST_PHONES)
            .map(|i| {
                phone(
                    &tmp.path().join(format!("p{i}")),
                    &url,
                    &data.join("sms.log"),
                    run * 100 + i,
                    INGEST_CHECK_INS,
                )
            })
            .collect();
        let start = Instant::now();
        let stored: u64 = std::thread::scope(|s| {
            let handles: Vec<_> = phones
                .iter()
                .map(|p| s.spawn(|| p.sync(&options, now_ms(), now_ms()).unwrap().accepted))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        let took: Duration = start.elapsed();
        ingest.push(stored as f64 / took.as_secs_f64());
    }
    println!(
        "server ingest, {INGEST_PHONES} phones at once ({} check-ins + ledger entries): median {:.0} items/s; runs {:?}",
        INGEST_PHONES * INGEST_CHECK_INS,
        median(ingest.clone()),
        ingest.iter().map(|v| v.round()).collect::<Vec<_>>()
    );
    println!(
        "FIGURE\tserver ingest, {INGEST_PHONES} phones\t{:.0}\titems/s\t—\t—",
        median(ingest)
    );
}
