//! The SDK-permission ledger:
//!
//! - append: `Store::append_ledger` (read and check the tip against the
//!   sealed head, seal the entry and its link, insert, rewrite the head: one
//!   immediate transaction) against an unchained insert of the same row with
//!   plain rusqlite (the same `ledger` table, the entry's canonical bytes and a
//!   32-byte link column in clear, no tip read, no head; one immediate
//!   transaction per insert, the store's pragmas);
//! - verification: `Store::verify_ledger` over 100,000 entries.
//!
//! Besides criterion's estimates, prints one `FIGURE` line per figure:
//!
//! ```text
//! cargo bench -p laowu-core --bench ledger
//! ```

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{open_store, plain_open};
use criterion::Criterion;
use laowu_core::ledger::{Accessor, Capability, LedgerEntry, Outcome};
use laowu_core::store::{DataCategory, Store};
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{Connection, params};

const APPEND_ROUNDS: usize = 20;
const APPENDS_PER_ROUND: usize = 50;
const VERIFY_ENTRIES: u64 = 100_000;
const VERIFY_BATCH: u64 = 1_000;
const VERIFY_RUNS: usize = 5;
const TARGET_APPEND: f64 = 1.25;
const TARGET_VERIFY: Duration = Duration::from_secs(1);

/// The store's `ledger` table, without the seal: values in clear.
const PLAIN_SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS ledger (
        seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
        id        TEXT NOT NULL UNIQUE,
        category  TEXT NOT NULL CHECK (category = 'ledger'),
        entry     BLOB NOT NULL,
        prev_hash BLOB NOT NULL
    ) STRICT;";

/// A mix of accessors, categories and outcomes, a third with a detail.
fn entry(i: u64) -> LedgerEntry {
    let (accessor, category, purpose) = match i % 4 {
        0 => (
            Accessor::sdk("amap-location").expect("valid"),
            DataCategory::Location,
            "attendance",
        ),
        1 => (
            Capability::WifiScan.into(),
            DataCategory::Location,
            "attendance",
        ),
        2 => (
            Accessor::sdk("baidu-face-offline").expect("valid"),
            DataCategory::Face,
            "identity_verification",
        ),
        _ => (
            Accessor::sdk("tencent-bugly").expect("valid"),
            DataCategory::Device,
            "crash_reporting",
        ),
    };
    let outcome = if i % 5 == 4 {
        Outcome::Refused
    } else {
        Outcome::Allowed
    };
    let e = LedgerEntry::new(
        accessor,
        category,
        purpose,
        "2024-06-01",
        1_717_200_000_000 + i as i64,
        outcome,
    )
    .expect("valid entry");
    if i.is_multiple_of(3) {
        e.with_detail("single fix").expect("valid detail")
    } else {
        e
    }
}

/// The plain database, with the store's flags and pragmas and the bench's table.
fn plain_with_schema(path: &Path) -> Connection {
    let conn = plain_open(path);
    conn.execute_batch(PLAIN_SCHEMA).expect("plain schema");
    conn
}

struct Fixture {
    store: Store,
    plain: Connection,
    rng: SystemRandom,
    sealed_n: u64,
    plain_n: u64,
}

impl Fixture {
    fn append(&mut self) {
        self.sealed_n += 1;
        self.store
            .append_ledger(&entry(self.sealed_n))
            .expect("append");
    }

    /// The same row, unchained: no tip read, no link, no head.
    fn insert(&mut self) {
        self.plain_n += 1;
        let seq = self.plain_n;
        let canonical = entry(seq).canonical_bytes();
        let mut raw = [0u8; 16];
        self.rng.fill(&mut raw).expect("random");
        let tx = self
            .plain
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO ledger (seq, id, category, entry, prev_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .unwrap();
            stmt.execute(params![
                seq as i64,
                hex::encode(raw),
                "ledger",
                canonical,
                [0u8; 32]
            ])
            .unwrap();
        }
        tx.commit().unwrap();
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// One machine-readable line per figure.
fn figure(name: &str, value: &str, unit: &str, target: &str, met: bool) {
    let met = if met { "met" } else { "missed" };
    println!("FIGURE\t{name}\t{value}\t{unit}\t{target}\t{met}");
}

/// Per-append time of each side, chained and unchained alternating one by
/// one (which goes first alternates too), so both meet the same disk and
/// machine load; the median single append of each.
fn append_ratio(fx: &mut Fixture) -> (Duration, Duration) {
    let n = APPEND_ROUNDS * APPENDS_PER_ROUND;
    let mut chained = Vec::with_capacity(n);
    let mut plain = Vec::with_capacity(n);
    for i in 0..n {
        let mut time = |f: fn(&mut Fixture)| {
            let start = Instant::now();
            f(&mut *fx);
            start.elapsed()
        };
        if i % 2 == 0 {
            chained.push(time(Fixture::append));
            plain.push(time(Fixture::insert));
        } else {
            plain.push(time(Fixture::insert));
            chained.push(time(Fixture::append));
        }
    }
    (median(chained), median(plain))
}

/// Fills a new ledger with `VERIFY_ENTRIES` entries and times its verification.
fn verify_times(home: &Path) -> Vec<Duration> {
    let store = open_store(home);
    let mut next = 1;
    while next <= VERIFY_ENTRIES {
        let end = (next + VERIFY_BATCH).min(VERIFY_ENTRIES + 1);
        let batch: Vec<LedgerEntry> = (next..end).map(entry).collect();
        store.append_ledger_batch(&batch).expect("append batch");
        next = end;
    }
    let report = store.verify_ledger().expect("verifies");
    assert_eq!(report.count, VERIFY_ENTRIES);
    (0..VERIFY_RUNS)
        .map(|_| {
            let start = Instant::now();
            let report = store.verify_ledger().expect("verifies");
            let took = start.elapsed();
            assert_eq!(report.count, VERIFY_ENTRIES);
            took
        })
        .collect()
}

fn main() {
    // `cargo test --benches` runs each criterion benchmark once and skips the figures.
    let measuring = std::env::args().any(|a| a == "--bench");
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut fx = Fixture {
        store: open_store(&tmp.path().join("home")),
        plain: plain_with_schema(&tmp.path().join("plain.db")),
        rng: SystemRandom::new(),
        sealed_n: 0,
        plain_n: 0,
    };

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    {
        let mut group = c.benchmark_group("ledger append");
        group.sample_size(20);
        group.bench_function("chained append_ledger", |b| b.iter(|| fx.append()));
        group.bench_function("unchained plain insert", |b| b.iter(|| fx.insert()));
        group.finish();
    }
    c.final_summary();
    if !measuring {
        return;
    }

    let (chained, plain) = append_ratio(&mut fx);
    let report = fx.store.verify_ledger().expect("the ledger verifies");
    assert_eq!(report.count, fx.sealed_n);
    let ratio = chained.as_secs_f64() / plain.as_secs_f64();
    println!(
        "ledger append: chained {:.2} µs, unchained {:.2} µs per append (medians, alternating one by one, one transaction each): {ratio:.3}x",
        micros(chained),
        micros(plain),
    );

    let times = verify_times(&tmp.path().join("verify"));
    let verify = median(times.clone());
    println!(
        "ledger verify, {VERIFY_ENTRIES} entries: median {:.3} s over {VERIFY_RUNS} runs; runs {:?}",
        verify.as_secs_f64(),
        times
            .iter()
            .map(|t| format!("{:.3}", t.as_secs_f64()))
            .collect::<Vec<_>>(),
    );

    figure(
        "ledger append, chained vs unchained insert",
        &format!("{ratio:.3}"),
        "x",
        &format!("<= {TARGET_APPEND:.2}x"),
        ratio <= TARGET_APPEND,
    );
    figure(
        "ledger verify, 100,000 entries",
        &format!("{:.3}", verify.as_secs_f64()),
        "s",
        &format!("< {} s", TARGET_VERIFY.as_secs()),
        verify < TARGET_VERIFY,
    );
}
