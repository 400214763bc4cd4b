//! The sealed store against plain rusqlite doing the same work, in the same run:
//!
//! - insert: `Store::put_record` (one value with its keyed lookup hash, one
//!   immediate transaction per record) against one `INSERT` per transaction
//!   into a table with the same columns and indexes;
//! - indexed read: `Store::find_records` (keyed hash, indexed query, two
//!   values opened) against the same indexed `SELECT` of the clear value;
//! - unlock: `Store::open` of an existing store (every data key unwrapped and
//!   checked) plus its first indexed read, against a plain open (same pragmas)
//!   plus the same read.
//!
//! Both sides use the store's pragmas: WAL, `synchronous=FULL`,
//! `secure_delete=ON`, `foreign_keys=ON`, on the same file system. Besides
//! criterion's estimates, sealed and plain are timed alternating one operation
//! at a time (the disk's fsync latency drifts with other load) and the ratio `plain time / sealed time` ("sealed throughput relative to
//! plain") is printed as one `FIGURE` line each:
//!
//! ```text
//! cargo bench -p laowu-core --bench store
//! ```

mod common;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use common::{open_store, plain_open};
use criterion::Criterion;
use laowu_core::consent::{Gate, Permit, Policy};
use laowu_core::store::{DataCategory, OpenMode, SoftwareVault, Store};
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{Connection, params};

const CATEGORY: DataCategory = DataCategory::Identity;
const KIND: &str = "mobile";
/// Operations per side for the ratios: rounds times operations per round.
const INSERT_ROUNDS: usize = 20;
const INSERTS_PER_ROUND: usize = 50;
const READ_ROUNDS: usize = 30;
const READS_PER_ROUND: usize = 2_000;
const UNLOCK_ROUNDS: usize = 30;
const UNLOCKS_PER_ROUND: usize = 5;
const TARGET_INSERT: f64 = 0.80;
const TARGET_READ: f64 = 0.85;

/// A gate with every purpose of the bundled policy granted.
static GATE: LazyLock<Gate> = LazyLock::new(|| {
    let policy = Policy::bundled();
    let all = policy.purposes.iter().map(|p| p.id.to_string()).collect();
    let decision = Gate::new(policy.clone(), None)
        .decide(&all, 0)
        .expect("the bundled policy can be accepted");
    Gate::new(policy, Some(decision))
});

fn permit() -> Permit<'static> {
    let purpose = GATE
        .policy()
        .purposes
        .iter()
        .find(|p| p.categories.contains(&CATEGORY))
        .expect("a purpose covers identity data");
    GATE.permit(purpose.id.as_str()).expect("granted")
}

/// The plain table: the store's `record` columns and indexes, values in clear
/// (the lookup column holds the value itself, `at` an integer).
const PLAIN_SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS record (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        id         TEXT NOT NULL UNIQUE,
        category   TEXT NOT NULL,
        kind       TEXT NOT NULL,
        value      BLOB NOT NULL,
        at         INTEGER NOT NULL,
        sync_state INTEGER NOT NULL DEFAULT 0,
        lookup     BLOB,
        purpose    TEXT
    ) STRICT;
    CREATE INDEX IF NOT EXISTS record_by_category ON record (category, seq);
    CREATE INDEX IF NOT EXISTS record_by_lookup ON record (category, kind, lookup)
        WHERE lookup IS NOT NULL;
    CREATE INDEX IF NOT EXISTS record_by_purpose ON record (purpose)
        WHERE purpose IS NOT NULL;";

const PLAIN_INSERT: &str = "INSERT INTO record (id, category, kind, value, at, lookup, purpose)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
const PLAIN_FIND: &str = "SELECT id, category, kind, value, at, purpose FROM record
     WHERE category = ?1 AND kind = ?2 AND lookup = ?3 ORDER BY seq";

/// A row read back by the plain side, owned like the store's records.
#[allow(dead_code)]
struct PlainRow {
    id: String,
    category: String,
    kind: String,
    value: Vec<u8>,
    at: i64,
    purpose: Option<String>,
}

fn plain_create(path: &Path) -> Connection {
    let conn = plain_open(path);
    conn.execute_batch(PLAIN_SCHEMA).expect("plain schema");
    conn
}

/// A random 128-bit id in hex, as the store makes them.
fn random_id(rng: &SystemRandom) -> String {
    let mut raw = [0u8; 16];
    rng.fill(&mut raw).expect("random");
    hex::encode(raw)
}

/// One insert in its own immediate transaction, as `put_record` commits.
fn plain_insert(conn: &mut Connection, rng: &SystemRandom, purpose: &str, value: &[u8], at: i64) {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    {
        let mut stmt = tx.prepare_cached(PLAIN_INSERT).unwrap();
        stmt.execute(params![
            random_id(rng),
            CATEGORY.as_str(),
            KIND,
            value,
            at,
            value,
            purpose
        ])
        .unwrap();
    }
    tx.commit().unwrap();
}

fn plain_find(conn: &Connection, value: &[u8]) -> Vec<PlainRow> {
    let mut stmt = conn.prepare_cached(PLAIN_FIND).unwrap();
    stmt.query_map(params![CATEGORY.as_str(), KIND, value], |r| {
        Ok(PlainRow {
            id: r.get(0)?,
            category: r.get(1)?,
            kind: r.get(2)?,
            value: r.get(3)?,
            at: r.get(4)?,
            purpose: r.get(5)?,
        })
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// The mobile number of the `i`th record.
fn mobile(i: usize) -> Vec<u8> {
    format!("138{:08}", i % 100_000_000).into_bytes()
}

struct Fixture {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    store_dir: PathBuf,
    plain_path: PathBuf,
    store: Option<Store>,
    plain: Option<Connection>,
    rng: SystemRandom,
    /// Records written so far on each side (the same numbers on both).
    sealed_n: usize,
    plain_n: usize,
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().expect("tempdir");
        let home = tmp.path().join("home");
        let store_dir = home.join("store");
        let plain_path = tmp.path().join("plain.db");
        let store = open_store(&home);
        let plain = plain_create(&plain_path);
        Fixture {
            _tmp: tmp,
            home,
            store_dir,
            plain_path,
            store: Some(store),
            plain: Some(plain),
            rng: SystemRandom::new(),
            sealed_n: 0,
            plain_n: 0,
        }
    }

    fn store(&self) -> &Store {
        self.store.as_ref().expect("store open")
    }

    fn sealed_insert(&mut self, permit: &Permit<'_>) {
        let value = mobile(self.sealed_n);
        self.sealed_n += 1;
        let at = 1_700_000_000_000 + self.sealed_n as i64;
        self.store()
            .put_record(permit, CATEGORY, KIND, &value, at, true)
            .expect("put_record");
    }

    fn plain_insert(&mut self, purpose: &str) {
        let value = mobile(self.plain_n);
        self.plain_n += 1;
        let at = 1_700_000_000_000 + self.plain_n as i64;
        let conn = self.plain.as_mut().expect("plain open");
        plain_insert(conn, &self.rng, purpose, &value, at);
    }

    fn sealed_find(&self, i: usize) -> usize {
        let found = self
            .store()
            .find_records(CATEGORY, KIND, &mobile(i % self.sealed_n))
            .expect("find_records");
        found.len()
    }

    fn plain_find(&self, i: usize) -> usize {
        let conn = self.plain.as_ref().expect("plain open");
        plain_find(conn, &mobile(i % self.plain_n)).len()
    }

    /// Closes both sides (the unlock measurement opens them from cold).
    fn close(&mut self) {
        self.store = None;
        self.plain = None;
    }

    fn sealed_unlock(&self) -> Store {
        let vault = Arc::new(SoftwareVault::open(&self.home));
        let store = Store::open(&self.store_dir, vault, OpenMode::Existing).expect("unlock");
        let found = store
            .find_records(CATEGORY, KIND, &mobile(7))
            .expect("first query");
        assert_eq!(found.len(), 1);
        store
    }

    fn plain_unlock(&self) -> Connection {
        let conn = plain_open(&self.plain_path);
        assert_eq!(plain_find(&conn, &mobile(7)).len(), 1);
        conn
    }
}

/// Per-operation time of each side: `rounds * per_round` operations each,
/// sealed and plain alternating one by one (which goes first alternates too),
/// so both meet the same disk and machine load. Returns the median single
/// operation of each side.
fn alternate(
    rounds: usize,
    per_round: usize,
    mut sealed: impl FnMut(usize),
    mut plain: impl FnMut(usize),
) -> (Duration, Duration) {
    let n = rounds * per_round;
    let mut sealed_times = Vec::with_capacity(n);
    let mut plain_times = Vec::with_capacity(n);
    let time = |f: &mut dyn FnMut(usize), i: usize| {
        let start = Instant::now();
        f(i);
        start.elapsed()
    };
    for i in 0..n {
        if i % 2 == 0 {
            sealed_times.push(time(&mut sealed, i));
            plain_times.push(time(&mut plain, i));
        } else {
            plain_times.push(time(&mut plain, i));
            sealed_times.push(time(&mut sealed, i));
        }
    }
    (median(sealed_times), median(plain_times))
}

/// The total time of `iters` opens from cold: each handle is closed (which
/// checkpoints the WAL) before the next open, outside the timing.
fn cold<T>(iters: u64, mut open: impl FnMut() -> T) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let start = Instant::now();
        let handle = open();
        total += start.elapsed();
        drop(handle);
    }
    total
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// One machine-readable line per figure.
fn figure(name: &str, value: &str, unit: &str, target: &str, met: Option<bool>) {
    let met = match met {
        Some(true) => "met",
        Some(false) => "missed",
        None => "—",
    };
    println!("FIGURE\t{name}\t{value}\t{unit}\t{target}\t{met}");
}

fn report_ratio(what: &str, name: &str, sealed: Duration, plain: Duration, target: Option<f64>) {
    let ratio = plain.as_secs_f64() / sealed.as_secs_f64();
    println!(
        "{what}: sealed {:.2} µs, plain {:.2} µs per operation (medians, sealed and plain alternating one by one); sealed throughput {ratio:.3}x plain",
        micros(sealed),
        micros(plain),
    );
    match target {
        Some(t) => figure(
            name,
            &format!("{ratio:.3}"),
            "x",
            &format!(">= {t:.2}x"),
            Some(ratio >= t),
        ),
        None => figure(name, &format!("{ratio:.3}"), "x", "—", None),
    }
}

fn main() {
    // `cargo test --benches` runs each criterion benchmark once and skips the ratios.
    let measuring = std::env::args().any(|a| a == "--bench");
    let permit = permit();
    let purpose = permit.purpose().as_str().to_string();
    let mut fx = Fixture::new();

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();

    // Inserts. Criterion's estimates first (they also grow both tables alike).
    {
        let mut group = c.benchmark_group("store insert");
        group.sample_size(20);
        group.bench_function("sealed put_record", |b| {
            b.iter(|| fx.sealed_insert(&permit))
        });
        group.bench_function("plain insert", |b| b.iter(|| fx.plain_insert(&purpose)));
        group.finish();
    }
    // Bring both sides to the same row count before the ratios.
    while fx.sealed_n < fx.plain_n {
        fx.sealed_insert(&permit);
    }
    while fx.plain_n < fx.sealed_n {
        fx.plain_insert(&purpose);
    }
    let mut inserts = None;
    if measuring {
        let cell = std::cell::RefCell::new(&mut fx);
        inserts = Some(alternate(
            INSERT_ROUNDS,
            INSERTS_PER_ROUND,
            |_| cell.borrow_mut().sealed_insert(&permit),
            |_| cell.borrow_mut().plain_insert(&purpose),
        ));
    }
    assert_eq!(fx.sealed_n, fx.plain_n);

    // Indexed reads of existing values, one record each.
    assert_eq!(fx.sealed_find(3), 1);
    assert_eq!(fx.plain_find(3), 1);
    {
        let mut group = c.benchmark_group("store indexed read");
        let mut i = 0usize;
        group.bench_function("sealed find_records", |b| {
            b.iter(|| {
                i = i.wrapping_add(7919);
                black_box(fx.sealed_find(i))
            })
        });
        group.bench_function("plain select", |b| {
            b.iter(|| {
                i = i.wrapping_add(7919);
                black_box(fx.plain_find(i))
            })
        });
        group.finish();
    }
    let mut reads = None;
    if measuring {
        reads = Some(alternate(
            READ_ROUNDS,
            READS_PER_ROUND,
            |i| {
                black_box(fx.sealed_find(i.wrapping_mul(7919)));
            },
            |i| {
                black_box(fx.plain_find(i.wrapping_mul(7919)));
            },
        ));
    }

    // Unlock from cold: both sides closed, then open plus first query. The
    // handle is dropped (closing the file, checkpointing the WAL) untimed.
    fx.close();
    {
        let mut group = c.benchmark_group("store unlock");
        group.sample_size(20);
        group.bench_function("sealed open + first query", |b| {
            b.iter_custom(|iters| cold(iters, || fx.sealed_unlock()))
        });
        group.bench_function("plain open + first query", |b| {
            b.iter_custom(|iters| cold(iters, || fx.plain_unlock()))
        });
        group.finish();
    }
    let mut unlocks = None;
    if measuring {
        let mut sealed_times = Vec::new();
        let mut plain_times = Vec::new();
        for i in 0..UNLOCK_ROUNDS * UNLOCKS_PER_ROUND {
            let sealed = || cold(1, || fx.sealed_unlock());
            let plain = || cold(1, || fx.plain_unlock());
            if i % 2 == 0 {
                sealed_times.push(sealed());
                plain_times.push(plain());
            } else {
                plain_times.push(plain());
                sealed_times.push(sealed());
            }
        }
        unlocks = Some((median(sealed_times), median(plain_times)));
    }
    c.final_summary();

    if let (Some(i), Some(r), Some(u)) = (inserts, reads, unlocks) {
        println!(
            "{} records on each side; one transaction per insert on both sides",
            fx.sealed_n
        );
        report_ratio(
            "store insert",
            "store insert, sealed vs plain",
            i.0,
            i.1,
            Some(TARGET_INSERT),
        );
        report_ratio(
            "store indexed read",
            "store indexed read, sealed vs plain",
            r.0,
            r.1,
            Some(TARGET_READ),
        );
        report_ratio(
            "store unlock (open + first query)",
            "store unlock, sealed vs plain",
            u.0,
            u.1,
            None,
        );
        figure(
            "store unlock (open + first query), sealed",
            &format!("{:.2}", u.0.as_secs_f64() * 1e3),
            "ms",
            "—",
            None,
        );
    }
}
