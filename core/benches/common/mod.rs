//! What the store and ledger benches both open: the sealed store on a
//! software vault, and a plain rusqlite database set up as the store sets
//! up its own (the baseline each ratio is measured against).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use laowu_core::store::{OpenMode, SoftwareVault, Store};
use rusqlite::{Connection, OpenFlags};

/// A new sealed store under `home`, keys in a software vault there.
pub fn open_store(home: &Path) -> Store {
    let vault = Arc::new(SoftwareVault::open_or_create(home).expect("vault"));
    Store::open(&home.join("store"), vault, OpenMode::Create).expect("store")
}

/// Opens the plain database with the store's flags and pragmas.
pub fn plain_open(path: &Path) -> Connection {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).expect("open plain");
    conn.busy_timeout(Duration::from_secs(5)).expect("timeout");
    let journal: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .expect("WAL");
    assert!(journal.eq_ignore_ascii_case("wal"));
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.pragma_update(None, "secure_delete", "ON").unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    conn
}
