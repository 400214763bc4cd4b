//! Proof that the SDK-permission ledger detects tampering with the database
//! file by someone who does not hold the key.
//!
//! One 10,000-entry ledger is built through the public API, then 1,000 trials
//! each take a fresh copy of its database file, make one random tamper with raw
//! SQL (a flipped byte, a deleted, swapped, moved or replayed row, a truncated
//! tail, an edited, deleted or stale head, ...), open the copy as a store and
//! call `verify_ledger`. Every tamper must be found, as the error that names
//! what was done and where; an untampered copy must verify (the control).
//!
//! The tampers come from a PRNG whose seed is printed; set `LAOWU_LEDGER_SEED`
//! to replay a run. Trials run on two threads, each with its own copy.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use common::{Rng, vault};
use laowu_core::ledger::{Accessor, Capability, LedgerEntry, LedgerError, LedgerReport, Outcome};
use laowu_core::store::{DB_FILE, DataCategory, KeyVault, OpenMode, Store};
use rusqlite::{Connection, params};

const ENTRIES: u64 = 10_000;
const BATCH: u64 = 500;
const TRIALS: u64 = 1_000;
/// The head as it was after this many entries is kept for the stale-head tamper.
const STALE_AT: u64 = 9_990;
const THREADS: u64 = 2;
const SEED_VAR: &str = "LAOWU_LEDGER_SEED";

/// A trial's index, its tamper, and the error found (its variant name) or why
/// it was not the expected one.
type Trial = (u64, Tamper, Result<String, String>);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tamper {
    /// One bit of a row's sealed entry flipped.
    FlipEntryByte,
    /// One bit of a row's sealed previous hash flipped.
    FlipPrevHashByte,
    /// One hex digit of a row's id changed.
    EditId,
    /// A row in the middle deleted.
    DeleteMiddle,
    /// The last row deleted.
    DeleteLast,
    /// Two rows' sealed columns exchanged.
    SwapRows,
    /// A row's entry and previous hash exchanged.
    SwapColumns,
    /// Two rows' seqs exchanged.
    ReorderSeqs,
    /// A row moved to the end (its original seq left empty).
    MoveRowToEnd,
    /// Every row after a random point deleted, the head kept.
    TruncateTail,
    /// Every row after a random point deleted, and the head.
    TruncateTailAndHead,
    /// A copy of an old row appended under the next seq.
    ReplayAtEnd,
    /// A copy of an old row inserted before seq 1 (check constraints off).
    ReplayBeforeGenesis,
    /// A row's sealed columns overwritten with an older row's.
    ReplayOverRow,
    /// The head deleted.
    DeleteHead,
    /// One bit of the sealed head flipped.
    FlipHeadByte,
    /// The head put back as it was 10 entries earlier.
    StaleHead,
    /// The head replaced by a row's sealed value.
    HeadFromRow,
}

const TAMPERS: [Tamper; 18] = [
    Tamper::FlipEntryByte,
    Tamper::FlipPrevHashByte,
    Tamper::EditId,
    Tamper::DeleteMiddle,
    Tamper::DeleteLast,
    Tamper::SwapRows,
    Tamper::SwapColumns,
    Tamper::ReorderSeqs,
    Tamper::MoveRowToEnd,
    Tamper::TruncateTail,
    Tamper::TruncateTailAndHead,
    Tamper::ReplayAtEnd,
    Tamper::ReplayBeforeGenesis,
    Tamper::ReplayOverRow,
    Tamper::DeleteHead,
    Tamper::FlipHeadByte,
    Tamper::StaleHead,
    Tamper::HeadFromRow,
];

fn entry(i: u64) -> LedgerEntry {
    let (accessor, category, purpose, detail) = match i % 5 {
        0 => (
            Accessor::sdk("amap-location").unwrap(),
            DataCategory::Location,
            "attendance",
            Some("single fix"),
        ),
        1 => (
            Capability::WifiScan.into(),
            DataCategory::Location,
            "attendance",
            None,
        ),
        2 => (
            Accessor::sdk("baidu-face-offline").unwrap(),
            DataCategory::Face,
            "identity_verification",
            Some("liveness check"),
        ),
        3 => (
            Accessor::sdk("tencent-bugly").unwrap(),
            DataCategory::Device,
            "crash_reporting",
            None,
        ),
        _ => (
            Accessor::sdk("baidu").unwrap(),
            DataCategory::Location,
            "site_map",
            Some("reverse geocode"),
        ),
    };
    let outcome = if i % 7 == 6 {
        Outcome::Refused
    } else {
        Outcome::Allowed
    };
    let e = LedgerEntry::new(
        accessor,
        category,
        purpose,
        "2024-06-01",
        1_717_200_000_000 + i as i64 * 60_000,
        outcome,
    )
    .unwrap();
    match detail {
        Some(d) => e.with_detail(d).unwrap(),
        None => e,
    }
}

/// The base store: the database file, the vault, the report and the head
/// saved at [`STALE_AT`] entries.
struct Base {
    db: PathBuf,
    vault: Arc<dyn KeyVault>,
    report: LedgerReport,
    stale_head: Vec<u8>,
}

fn build(home: &Path) -> Base {
    let dir = home.join("base");
    let vault = vault(home);
    let store = Store::open(&dir, vault.clone(), OpenMode::Create).unwrap();
    let append = |range: std::ops::Range<u64>| {
        for first in range.clone().step_by(BATCH as usize) {
            let batch: Vec<_> = (first..(first + BATCH).min(range.end)).map(entry).collect();
            store.append_ledger_batch(&batch).unwrap();
        }
    };
    append(0..STALE_AT);
    let stale_head: Vec<u8> = Connection::open(dir.join(DB_FILE))
        .unwrap()
        .query_row("SELECT head FROM ledger_head", [], |r| r.get(0))
        .unwrap();
    append(STALE_AT..ENTRIES);
    let report = store.verify_ledger().unwrap();
    assert_eq!(report.count, ENTRIES);
    store.checkpoint().unwrap();
    drop(store);
    Base {
        db: dir.join(DB_FILE),
        vault,
        report,
        stale_head,
    }
}

/// A fresh copy of the base database in `dir`, with no WAL left from before.
fn fresh_copy(base: &Base, dir: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = fs::remove_file(dir.join(format!("{DB_FILE}{suffix}")));
    }
    fs::copy(&base.db, dir.join(DB_FILE)).unwrap();
}

fn verify(base: &Base, dir: &Path) -> Result<LedgerReport, LedgerError> {
    let store = Store::open(dir, base.vault.clone(), OpenMode::Existing).unwrap();
    store.verify_ledger()
}

/// The error's variant name, as the summary prints it.
fn variant(e: &LedgerError) -> String {
    let debug = format!("{e:?}");
    debug
        .split([' ', '{', '('])
        .next()
        .unwrap_or_default()
        .to_string()
}

fn blob(conn: &Connection, column: &str, seq: u64) -> Vec<u8> {
    conn.query_row(
        &format!("SELECT {column} FROM ledger WHERE seq = ?1"),
        [seq as i64],
        |r| r.get(0),
    )
    .unwrap()
}

fn set_blob(conn: &Connection, column: &str, seq: u64, value: &[u8]) {
    let n = conn
        .execute(
            &format!("UPDATE ledger SET {column} = ?2 WHERE seq = ?1"),
            params![seq as i64, value],
        )
        .unwrap();
    assert_eq!(n, 1);
}

fn flip(rng: &mut Rng, bytes: &mut [u8]) {
    let at = rng.range(0, bytes.len() as u64 - 1) as usize;
    bytes[at] ^= 1 << rng.range(0, 7);
}

fn fresh_id(rng: &mut Rng) -> String {
    let mut raw = [0u8; 16];
    rng.fill(&mut raw);
    raw.iter().map(|b| format!("{b:02x}")).collect()
}

/// Two distinct seqs in `1..=n`, lower first.
fn two(rng: &mut Rng, n: u64) -> (u64, u64) {
    let i = rng.range(1, n);
    let mut j = rng.range(1, n - 1);
    if j >= i {
        j += 1;
    }
    (i.min(j), i.max(j))
}

/// Makes the tamper on the copy in `dir` and returns the error it must give.
fn tamper(base: &Base, dir: &Path, kind: Tamper, rng: &mut Rng) -> LedgerError {
    let n = ENTRIES;
    let conn = Connection::open(dir.join(DB_FILE)).unwrap();
    let seal_broken = |seq| LedgerError::SealBroken { seq };
    let expected = match kind {
        Tamper::FlipEntryByte | Tamper::FlipPrevHashByte => {
            let column = if kind == Tamper::FlipEntryByte {
                "entry"
            } else {
                "prev_hash"
            };
            let k = rng.range(1, n);
            let mut b = blob(&conn, column, k);
            flip(rng, &mut b);
            set_blob(&conn, column, k, &b);
            seal_broken(k)
        }
        Tamper::EditId => {
            let k = rng.range(1, n);
            let id: String = conn
                .query_row("SELECT id FROM ledger WHERE seq = ?1", [k as i64], |r| {
                    r.get(0)
                })
                .unwrap();
            let at = rng.range(0, id.len() as u64 - 1) as usize;
            let old = id.as_bytes()[at];
            let digits = b"0123456789abcdef";
            let new = loop {
                let d = digits[rng.range(0, 15) as usize];
                if d != old {
                    break d;
                }
            };
            let mut edited = id.into_bytes();
            edited[at] = new;
            conn.execute(
                "UPDATE ledger SET id = ?2 WHERE seq = ?1",
                params![k as i64, String::from_utf8(edited).unwrap()],
            )
            .unwrap();
            seal_broken(k)
        }
        Tamper::DeleteMiddle => {
            let k = rng.range(1, n - 1);
            conn.execute("DELETE FROM ledger WHERE seq = ?1", [k as i64])
                .unwrap();
            LedgerError::Gap { expected_seq: k }
        }
        Tamper::DeleteLast => {
            conn.execute("DELETE FROM ledger WHERE seq = ?1", [n as i64])
                .unwrap();
            LedgerError::Truncated {
                head_count: n,
                found: n - 1,
            }
        }
        Tamper::SwapRows => {
            let (i, j) = two(rng, n);
            let columns: &[&str] = match rng.range(0, 2) {
                0 => &["entry"],
                1 => &["prev_hash"],
                _ => &["entry", "prev_hash"],
            };
            for column in columns {
                let (a, b) = (blob(&conn, column, i), blob(&conn, column, j));
                set_blob(&conn, column, i, &b);
                set_blob(&conn, column, j, &a);
            }
            seal_broken(i)
        }
        Tamper::SwapColumns => {
            let k = rng.range(1, n);
            conn.execute(
                "UPDATE ledger SET entry = prev_hash, prev_hash = entry WHERE seq = ?1",
                [k as i64],
            )
            .unwrap();
            seal_broken(k)
        }
        Tamper::ReorderSeqs => {
            let (i, j) = two(rng, n);
            let parked = (n + 1_000) as i64;
            for (from, to) in [(i as i64, parked), (j as i64, i as i64), (parked, j as i64)] {
                conn.execute("UPDATE ledger SET seq = ?2 WHERE seq = ?1", [from, to])
                    .unwrap();
            }
            seal_broken(i)
        }
        Tamper::MoveRowToEnd => {
            let k = rng.range(1, n - 1);
            conn.execute(
                "UPDATE ledger SET seq = ?2 WHERE seq = ?1",
                [k as i64, n as i64 + 1],
            )
            .unwrap();
            LedgerError::Gap { expected_seq: k }
        }
        Tamper::TruncateTail => {
            let k = rng.range(0, n - 2);
            conn.execute("DELETE FROM ledger WHERE seq > ?1", [k as i64])
                .unwrap();
            LedgerError::Truncated {
                head_count: n,
                found: k,
            }
        }
        Tamper::TruncateTailAndHead => {
            let k = rng.range(1, n - 1);
            conn.execute("DELETE FROM ledger WHERE seq > ?1", [k as i64])
                .unwrap();
            conn.execute("DELETE FROM ledger_head", []).unwrap();
            LedgerError::HeadMissing
        }
        Tamper::ReplayAtEnd | Tamper::ReplayBeforeGenesis => {
            let i = rng.range(1, n);
            let at = if kind == Tamper::ReplayAtEnd {
                n as i64 + 1
            } else {
                conn.pragma_update(None, "ignore_check_constraints", true)
                    .unwrap();
                0
            };
            // The id must be new: it is UNIQUE.
            conn.execute(
                "INSERT INTO ledger (seq, id, category, entry, prev_hash)
                 SELECT ?2, ?3, category, entry, prev_hash FROM ledger WHERE seq = ?1",
                params![i as i64, at, fresh_id(rng)],
            )
            .unwrap();
            if kind == Tamper::ReplayAtEnd {
                seal_broken(n + 1)
            } else {
                LedgerError::Duplicate { seq: 0 }
            }
        }
        Tamper::ReplayOverRow => {
            let (i, j) = two(rng, n);
            for column in ["entry", "prev_hash"] {
                set_blob(&conn, column, j, &blob(&conn, column, i));
            }
            seal_broken(j)
        }
        Tamper::DeleteHead => {
            assert_eq!(conn.execute("DELETE FROM ledger_head", []).unwrap(), 1);
            LedgerError::HeadMissing
        }
        Tamper::FlipHeadByte | Tamper::StaleHead | Tamper::HeadFromRow => {
            let head: Vec<u8> = match kind {
                Tamper::FlipHeadByte => {
                    let mut h: Vec<u8> = conn
                        .query_row("SELECT head FROM ledger_head", [], |r| r.get(0))
                        .unwrap();
                    flip(rng, &mut h);
                    h
                }
                Tamper::StaleHead => base.stale_head.clone(),
                _ => blob(&conn, "prev_hash", rng.range(1, n)),
            };
            conn.execute("UPDATE ledger_head SET head = ?1", [head])
                .unwrap();
            if kind == Tamper::StaleHead {
                LedgerError::HeadMismatch {
                    head_count: STALE_AT,
                    found: n,
                }
            } else {
                LedgerError::HeadBroken
            }
        }
    };
    drop(conn);
    expected
}

#[test]
fn every_tamper_of_a_10k_ledger_is_detected() {
    let seed = Rng::seed_from_env_or_time(SEED_VAR);
    println!("ledger tamper seed: {seed} (set {SEED_VAR}={seed} to replay)");
    let home = tempfile::tempdir().unwrap();

    let started = Instant::now();
    let base = build(home.path());
    let built = started.elapsed();
    let size = fs::metadata(&base.db).unwrap().len();

    // The plan: each trial's tamper and its own PRNG, fixed by the seed alone.
    let mut rng = Rng::new(seed);
    let plan: Vec<(u64, Tamper, u64)> = (0..TRIALS)
        .map(|t| {
            let kind = TAMPERS[rng.range(0, TAMPERS.len() as u64 - 1) as usize];
            (t, kind, rng.next_u64())
        })
        .collect();

    let started = Instant::now();
    let results: Vec<Vec<Trial>> = thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|w| {
                let base = &base;
                let plan = &plan;
                let dir = home.path().join(format!("trial-{w}"));
                s.spawn(move || {
                    fs::create_dir_all(&dir).unwrap();
                    // The control: an untampered copy verifies as the original.
                    fresh_copy(base, &dir);
                    assert_eq!(verify(base, &dir).unwrap(), base.report, "control");
                    plan.iter()
                        .filter(|(t, _, _)| t % THREADS == w)
                        .map(|&(t, kind, trial_seed)| {
                            fresh_copy(base, &dir);
                            let expected = tamper(base, &dir, kind, &mut Rng::new(trial_seed));
                            let outcome = match verify(base, &dir) {
                                Err(e) if format!("{e:?}") == format!("{expected:?}") => {
                                    Ok(variant(&e))
                                }
                                other => Err(format!("expected {expected:?}, got {other:?}")),
                            };
                            (t, kind, outcome)
                        })
                        .collect()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let trials_took = started.elapsed();

    let mut per_kind: BTreeMap<Tamper, (u64, u64, String)> = BTreeMap::new();
    let mut failures = Vec::new();
    for (t, kind, outcome) in results.into_iter().flatten() {
        let counts = per_kind.entry(kind).or_default();
        counts.1 += 1;
        match outcome {
            Ok(found) => {
                counts.0 += 1;
                counts.2 = found;
            }
            Err(e) => failures.push(format!("trial {t} {kind:?}: {e}")),
        }
    }
    println!(
        "built {ENTRIES} entries ({size} bytes) in {built:.2?}; {TRIALS} trials in {trials_took:.2?}"
    );
    for (kind, (detected, total, found)) in &per_kind {
        println!(
            "  {:<22} {detected:>4}/{total:<4} {found}",
            format!("{kind:?}")
        );
    }
    let detected: u64 = per_kind.values().map(|c| c.0).sum();
    let total: u64 = per_kind.values().map(|c| c.1).sum();
    println!("  detected {detected}/{total}");
    assert!(
        failures.is_empty(),
        "seed {seed}: {} of {TRIALS} tampers not detected as expected:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!((detected, total), (TRIALS, TRIALS));
    // With 1,000 draws from 18 kinds every kind is exercised.
    assert_eq!(per_kind.len(), TAMPERS.len(), "seed {seed}");
}

/// The documented limit, kept visible: every row and the head deleted together
/// is what a shredded or unused ledger looks like, so the phone alone cannot
/// tell; the head anchored on the server will.
#[test]
fn deleting_every_row_and_the_head_together_looks_like_an_empty_ledger() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("store");
    let store = Store::open(&dir, vault(home.path()), OpenMode::Create).unwrap();
    let batch: Vec<_> = (0..20).map(entry).collect();
    store.append_ledger_batch(&batch).unwrap();
    let conn = Connection::open(dir.join(DB_FILE)).unwrap();
    conn.execute_batch("DELETE FROM ledger; DELETE FROM ledger_head;")
        .unwrap();
    let report = store.verify_ledger().unwrap();
    assert_eq!(report.count, 0);
    // Deleting the rows but keeping the head is caught.
    store.append_ledger_batch(&batch).unwrap();
    conn.execute("DELETE FROM ledger", []).unwrap();
    assert!(matches!(
        store.verify_ledger(),
        Err(LedgerError::Truncated {
            head_count: 20,
            found: 0
        })
    ));
}
