//! Schema migrations, keyed by `PRAGMA user_version`.
//!
//! Each entry moves the schema from version `i` to `i + 1`. Never edit a
//! shipped step: add a new one. Everything personal in these tables is a sealed
//! BLOB; only ids, kinds, categories, keyed-hash lookups and sync state are clear.

use rusqlite::{Connection, Transaction};

use super::error::{Result, StoreError};

/// `PRAGMA application_id` of every laowu store ("LAOW").
pub const APPLICATION_ID: i32 = 0x4C41_4F57;

const MIGRATIONS: &[&str] = &[
    // 1: wrapped data keys with their canaries, and sealed records.
    "CREATE TABLE meta (
        name  TEXT PRIMARY KEY,
        value BLOB NOT NULL
     ) STRICT;
     CREATE TABLE data_key (
        category TEXT PRIMARY KEY,
        wrapped  BLOB NOT NULL,
        canary   BLOB NOT NULL
     ) STRICT;
     CREATE TABLE record (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        id         TEXT NOT NULL UNIQUE,
        category   TEXT NOT NULL,
        kind       TEXT NOT NULL,
        value      BLOB NOT NULL,
        at         BLOB NOT NULL,
        sync_state INTEGER NOT NULL DEFAULT 0
     ) STRICT;
     CREATE INDEX record_by_category ON record (category, seq);",
    // 2: keyed-hash lookup of records by value, so a mobile number can be
    // found without storing it in clear.
    "ALTER TABLE record ADD COLUMN lookup BLOB;
     CREATE INDEX record_by_lookup ON record (category, kind, lookup) WHERE lookup IS NOT NULL;",
    // 3: the SDK-permission ledger: an append-only hash chain of sealed entries
    // (seq 1, 2, 3, ... with no gaps) and its sealed head. `category` is always
    // 'ledger' so shredding the category finds every row and the head.
    "CREATE TABLE ledger (
        seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
        id        TEXT NOT NULL UNIQUE,
        category  TEXT NOT NULL CHECK (category = 'ledger'),
        entry     BLOB NOT NULL,
        prev_hash BLOB NOT NULL
     ) STRICT;
     CREATE TABLE ledger_head (
        category TEXT PRIMARY KEY CHECK (category = 'ledger'),
        head     BLOB NOT NULL
     ) STRICT;",
    // 4: the purpose each record was collected for (a policy purpose id, not
    // personal data), so withdrawing a purpose deletes its rows even in a
    // category another granted purpose shares. NULL for the core's own rows.
    "ALTER TABLE record ADD COLUMN purpose TEXT;
     CREATE INDEX record_by_purpose ON record (purpose) WHERE purpose IS NOT NULL;",
];

/// The schema version this build writes.
pub const LATEST: u32 = MIGRATIONS.len() as u32;

pub fn user_version(conn: &Connection) -> Result<u32> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    u32::try_from(v).map_err(|_| StoreError::Corrupt {
        reason: "negative schema version".into(),
    })
}

/// Brings the schema up to `target`, one transaction per step, so a crash in the
/// middle leaves the store at the last complete version.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<()> {
    let current = user_version(conn)?;
    if current > LATEST {
        return Err(StoreError::TooNew {
            found: current,
            supported: LATEST,
        });
    }
    for version in current..target.min(LATEST) {
        let tx = conn.transaction()?;
        step(&tx, version)?;
        tx.commit()?;
    }
    Ok(())
}

fn step(tx: &Transaction<'_>, from: u32) -> Result<()> {
    if from == 0 {
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    tx.execute_batch(MIGRATIONS[from as usize])?;
    tx.pragma_update(None, "user_version", from + 1)?;
    Ok(())
}
