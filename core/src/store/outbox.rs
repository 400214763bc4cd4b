//! Sync state of records: which wait for the server, which it took, which it
//! refused. The state is a clear column (it says nothing about the person),
//! so the outbox can be read in order without opening anything but the
//! records it returns.

use rusqlite::params;

use super::error::Result;
use super::records::{RawRecord, Record, RecordId, open_all};
use super::{DataCategory, Store};

/// Where a record is on its way to the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncState {
    /// Waits in the outbox.
    Pending = 0,
    /// The server stored it (or already had it).
    Synced = 1,
    /// The server refused it for good; the reason is recorded beside it.
    Refused = 2,
}

impl Store {
    /// Up to `limit` pending records of these kinds, in the order they were
    /// written (for attendance events, chain order).
    pub fn pending_sync(
        &self,
        kinds: &[(DataCategory, &str)],
        limit: usize,
    ) -> Result<Vec<Record>> {
        self.read(|conn, keys| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, category, kind, value, at, purpose, seq FROM record
                 WHERE sync_state = 0 AND category = ?1 AND kind = ?2 ORDER BY seq LIMIT ?3",
            )?;
            let mut raws: Vec<(i64, RawRecord)> = Vec::new();
            for (category, kind) in kinds {
                let rows = stmt.query_map(params![category.as_str(), kind, limit as i64], |r| {
                    Ok((r.get::<_, i64>(6)?, RawRecord::from_row(r)?))
                })?;
                for row in rows {
                    raws.push(row?);
                }
            }
            raws.sort_by_key(|(seq, _)| *seq);
            raws.truncate(limit);
            open_all(raws.into_iter().map(|(_, raw)| raw).collect(), keys)
        })
    }

    /// How many records of these kinds are still pending.
    pub fn pending_count(&self, kinds: &[(DataCategory, &str)]) -> Result<u64> {
        self.read(|conn, _| {
            let mut n = 0u64;
            for (category, kind) in kinds {
                n += conn.query_row(
                    "SELECT count(*) FROM record WHERE sync_state = 0 AND category = ?1 AND kind = ?2",
                    params![category.as_str(), kind],
                    |r| r.get::<_, i64>(0),
                )? as u64;
            }
            Ok(n)
        })
    }

    /// Moves records to `state`, all in one transaction.
    pub fn set_sync_state(&self, ids: &[RecordId], state: SyncState) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        self.write(|tx, _, _| {
            let mut stmt = tx.prepare_cached("UPDATE record SET sync_state = ?1 WHERE id = ?2")?;
            for id in ids {
                stmt.execute(params![state as i64, id.as_str()])?;
            }
            Ok(())
        })
    }
}
