//! The shared migrations applied to SQLite, numbered by `PRAGMA user_version`.
//!
//! A database newer than the last migration is refused rather than guessed at.

use rusqlite::Connection;

use crate::store::StoreError;
use crate::store::migrations::MIGRATIONS;

/// "LWSV": marks the file as a laowu server database (the phone's differs).
const APPLICATION_ID: i64 = 0x4C57_5356;

pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let app_id: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if app_id != 0 && app_id != APPLICATION_ID {
        return Err(StoreError::ForeignDatabase(app_id));
    }
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if found > known {
        return Err(StoreError::NewerSchema { found, known });
    }
    if found == 0 {
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if tables > 0 {
            return Err(StoreError::ForeignDatabase(app_id));
        }
    }
    for (done, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        // Each migration and its version number commit together.
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", done as i64 + 1)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.commit()?;
    }
    Ok(())
}
