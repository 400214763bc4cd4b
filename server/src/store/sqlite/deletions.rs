use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::SqliteStore;
use crate::store::deletions::{Completion, DeletionCounts, DeletionQueue, DeletionRecord};
use crate::store::{DeletionStore, StoreError, StoreFuture};

const RECORD_COLUMNS: &str = "id, requested_ms, deadline, completed_ms, certificate";

fn record_row(row: &Row<'_>) -> rusqlite::Result<DeletionRecord> {
    Ok(DeletionRecord {
        id: row.get(0)?,
        requested_ms: row.get(1)?,
        deadline: row.get(2)?,
        completed_ms: row.get(3)?,
        certificate: row.get(4)?,
    })
}

impl DeletionStore for SqliteStore {
    fn account_by_device_key(&self, public_key: Vec<u8>) -> StoreFuture<'_, Option<String>> {
        self.call(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT account_id FROM devices WHERE public_key = ?1",
                    [public_key],
                    |r| r.get(0),
                )
                .optional()?)
        })
    }

    fn queue_deletion(
        &self,
        id: String,
        account_id: String,
        requested_ms: i64,
        deadline: String,
    ) -> StoreFuture<'_, DeletionRecord> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let open = tx
                .query_row(
                    &format!(
                        "SELECT {RECORD_COLUMNS} FROM deletions
                         WHERE account_id = ?1 AND completed_ms IS NULL"
                    ),
                    [&account_id],
                    record_row,
                )
                .optional()?;
            if let Some(open) = open {
                return Ok(open);
            }
            tx.execute(
                "INSERT INTO deletions (id, account_id, requested_ms, deadline)
                 VALUES (?1, ?2, ?3, ?4)",
                params![id, account_id, requested_ms, deadline],
            )?;
            tx.commit()?;
            Ok(DeletionRecord {
                id,
                requested_ms,
                deadline,
                completed_ms: None,
                certificate: None,
            })
        })
    }

    fn deletion(&self, id: String) -> StoreFuture<'_, Option<DeletionRecord>> {
        self.call(move |conn| {
            Ok(conn
                .query_row(
                    &format!("SELECT {RECORD_COLUMNS} FROM deletions WHERE id = ?1"),
                    [id],
                    record_row,
                )
                .optional()?)
        })
    }

    fn deletion_queue(&self) -> StoreFuture<'_, DeletionQueue> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let queued = {
                let mut stmt = tx.prepare_cached(&format!(
                    "SELECT {RECORD_COLUMNS} FROM deletions
                     WHERE completed_ms IS NULL ORDER BY requested_ms, id"
                ))?;
                stmt.query_map([], record_row)?
                    .collect::<Result<Vec<_>, _>>()?
            };
            let done: i64 = tx.query_row(
                "SELECT count(*) FROM deletions WHERE completed_ms IS NOT NULL",
                [],
                |r| r.get(0),
            )?;
            tx.commit()?;
            Ok(DeletionQueue {
                queued,
                done: done as u64,
            })
        })
    }

    fn complete_deletion(&self, id: String, now_ms: i64) -> StoreFuture<'_, Option<Completion>> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let open: Option<(Option<String>, i64, String)> = tx
                .query_row(
                    "SELECT account_id, requested_ms, deadline FROM deletions
                     WHERE id = ?1 AND completed_ms IS NULL",
                    [&id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((account_id, requested_ms, deadline)) = open else {
                return Ok(None);
            };
            let account_id =
                account_id.ok_or(StoreError::Corrupt("a queued deletion has no account"))?;
            let counts = erase_account(&tx, &account_id)?;
            let (completion, text) = Completion::new(&id, requested_ms, deadline, now_ms, counts)?;
            tx.execute(
                "UPDATE deletions SET account_id = NULL, completed_ms = ?2, certificate = ?3
                 WHERE id = ?1",
                params![id, now_ms, text],
            )?;
            tx.commit()?;
            Ok(Some(completion))
        })
    }

    fn save_certificate(&self, id: String, certificate: String) -> StoreFuture<'_, bool> {
        self.call(move |conn| {
            let changed = conn.execute(
                "UPDATE deletions SET certificate = ?2 WHERE id = ?1 AND completed_ms IS NOT NULL",
                params![id, certificate],
            )?;
            Ok(changed == 1)
        })
    }
}

/// Anonymises what wage records need and deletes the rest of the account.
/// Children go first and are deleted explicitly (not left to ON DELETE
/// CASCADE), so every row is counted.
fn erase_account(tx: &Transaction<'_>, account_id: &str) -> Result<DeletionCounts, StoreError> {
    let count = |n: usize| n as u64;
    let anonymised_attendance = count(tx.execute(
        "UPDATE attendance SET account_id = NULL, fix_sealed = NULL WHERE account_id = ?1",
        [account_id],
    )?);
    // A deleted supervisor's decisions stay valid (the server signed them)
    // but no longer name who decided.
    let anonymised_decisions = count(tx.execute(
        "UPDATE decisions SET account_id = NULLIF(account_id, ?1),
                              supervisor_id = NULLIF(supervisor_id, ?1)
         WHERE account_id = ?1 OR supervisor_id = ?1",
        [account_id],
    )?);

    let phone_key: Option<Vec<u8>> = tx
        .query_row(
            "SELECT phone_key FROM accounts WHERE id = ?1",
            [account_id],
            |r| r.get(0),
        )
        .optional()?;
    let mut deleted = 0;
    for sql in [
        "DELETE FROM items WHERE account_id = ?1
            OR device_id IN (SELECT id FROM devices WHERE account_id = ?1)",
        "DELETE FROM chain_heads WHERE device_id IN (SELECT id FROM devices WHERE account_id = ?1)",
        "DELETE FROM refresh_tokens WHERE account_id = ?1",
        "DELETE FROM site_supervisors WHERE account_id = ?1",
        "DELETE FROM devices WHERE account_id = ?1",
    ] {
        deleted += count(tx.execute(sql, [account_id])?);
    }
    if let Some(phone_key) = phone_key {
        deleted += count(tx.execute("DELETE FROM sms_codes WHERE phone_key = ?1", [&phone_key])?);
        // Rate keys are "<scope>.phone:<hex of the same keyed hash>" (see
        // accounts::limits); they expire anyway, but need not outlive the account.
        deleted += count(tx.execute(
            "DELETE FROM rate_events WHERE key LIKE '%.phone:' || lower(hex(?1))",
            [&phone_key],
        )?);
        deleted += count(tx.execute("DELETE FROM accounts WHERE id = ?1", [account_id])?);
    }
    Ok(DeletionCounts {
        anonymised_attendance,
        anonymised_decisions,
        deleted,
    })
}
