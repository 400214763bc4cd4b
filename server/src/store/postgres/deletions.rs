use tokio_postgres::Row;

use super::PostgresStore;
use crate::store::deletions::{Completion, DeletionCounts, DeletionQueue, DeletionRecord};
use crate::store::{DeletionStore, StoreError, StoreFuture};

type Tx<'a> = deadpool_postgres::Transaction<'a>;

const RECORD_COLUMNS: &str = "id, requested_ms, deadline, completed_ms, certificate";

fn record_row(row: &Row) -> Result<DeletionRecord, StoreError> {
    Ok(DeletionRecord {
        id: row.try_get(0)?,
        requested_ms: row.try_get(1)?,
        deadline: row.try_get(2)?,
        completed_ms: row.try_get(3)?,
        certificate: row.try_get(4)?,
    })
}

impl DeletionStore for PostgresStore {
    fn account_by_device_key(&self, public_key: Vec<u8>) -> StoreFuture<'_, Option<String>> {
        Box::pin(async move {
            let row = self
                .client()
                .await?
                .query_opt(
                    "SELECT account_id FROM devices WHERE public_key = $1",
                    &[&public_key],
                )
                .await?;
            Ok(row.map(|r| r.try_get(0)).transpose()?)
        })
    }

    fn queue_deletion(
        &self,
        id: String,
        account_id: String,
        requested_ms: i64,
        deadline: String,
    ) -> StoreFuture<'_, DeletionRecord> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            // The partial unique index allows one open request an account:
            // a second, from any process, finds the first and returns it.
            tx.execute(
                "INSERT INTO deletions (id, account_id, requested_ms, deadline)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (account_id) WHERE completed_ms IS NULL DO NOTHING",
                &[&id, &account_id, &requested_ms, &deadline],
            )
            .await?;
            let open = tx
                .query_one(
                    &format!(
                        "SELECT {RECORD_COLUMNS} FROM deletions
                         WHERE account_id = $1 AND completed_ms IS NULL"
                    ),
                    &[&account_id],
                )
                .await?;
            let open = record_row(&open)?;
            tx.commit().await?;
            Ok(open)
        })
    }

    fn deletion(&self, id: String) -> StoreFuture<'_, Option<DeletionRecord>> {
        Box::pin(async move {
            self.client()
                .await?
                .query_opt(
                    &format!("SELECT {RECORD_COLUMNS} FROM deletions WHERE id = $1"),
                    &[&id],
                )
                .await?
                .as_ref()
                .map(record_row)
                .transpose()
        })
    }

    fn deletion_queue(&self) -> StoreFuture<'_, DeletionQueue> {
        Box::pin(async move {
            let mut client = self.client().await?;
            // One snapshot for the list and the count.
            let tx = client
                .build_transaction()
                .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await?;
            let queued = tx
                .query(
                    &format!(
                        "SELECT {RECORD_COLUMNS} FROM deletions
                         WHERE completed_ms IS NULL ORDER BY requested_ms, id"
                    ),
                    &[],
                )
                .await?
                .iter()
                .map(record_row)
                .collect::<Result<Vec<_>, _>>()?;
            let done: i64 = tx
                .query_one(
                    "SELECT count(*) FROM deletions WHERE completed_ms IS NOT NULL",
                    &[],
                )
                .await?
                .try_get(0)?;
            tx.commit().await?;
            Ok(DeletionQueue {
                queued,
                done: done as u64,
            })
        })
    }

    fn complete_deletion(&self, id: String, now_ms: i64) -> StoreFuture<'_, Option<Completion>> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            // FOR UPDATE: two processes sweeping at once erase an account once.
            let Some(open) = tx
                .query_opt(
                    "SELECT account_id, requested_ms, deadline FROM deletions
                     WHERE id = $1 AND completed_ms IS NULL
                     FOR UPDATE",
                    &[&id],
                )
                .await?
            else {
                return Ok(None);
            };
            let account_id: Option<String> = open.try_get(0)?;
            let requested_ms: i64 = open.try_get(1)?;
            let deadline: String = open.try_get(2)?;
            let account_id =
                account_id.ok_or(StoreError::Corrupt("a queued deletion has no account"))?;
            let counts = erase_account(&tx, &account_id).await?;
            let (completion, text) = Completion::new(&id, requested_ms, deadline, now_ms, counts)?;
            tx.execute(
                "UPDATE deletions SET account_id = NULL, completed_ms = $2, certificate = $3
                 WHERE id = $1",
                &[&id, &now_ms, &text],
            )
            .await?;
            tx.commit().await?;
            Ok(Some(completion))
        })
    }

    fn save_certificate(&self, id: String, certificate: String) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let changed = self
                .client()
                .await?
                .execute(
                    "UPDATE deletions SET certificate = $2 WHERE id = $1 AND completed_ms IS NOT NULL",
                    &[&id, &certificate],
                )
                .await?;
            Ok(changed == 1)
        })
    }
}

/// Anonymises what wage records need and deletes the rest of the account.
/// Children go first and are deleted explicitly (not left to ON DELETE
/// CASCADE), so every row is counted.
async fn erase_account(tx: &Tx<'_>, account_id: &str) -> Result<DeletionCounts, StoreError> {
    let anonymised_attendance = tx
        .execute(
            "UPDATE attendance SET account_id = NULL, fix_sealed = NULL WHERE account_id = $1",
            &[&account_id],
        )
        .await?;
    // A deleted supervisor's decisions stay valid (the server signed them)
    // but no longer name who decided.
    let anonymised_decisions = tx
        .execute(
            "UPDATE decisions SET account_id = NULLIF(account_id, $1),
                                  supervisor_id = NULLIF(supervisor_id, $1)
             WHERE account_id = $1 OR supervisor_id = $1",
            &[&account_id],
        )
        .await?;
    let phone_key: Option<Vec<u8>> = tx
        .query_opt(
            "SELECT phone_key FROM accounts WHERE id = $1 FOR UPDATE",
            &[&account_id],
        )
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    let mut deleted = 0;
    for sql in [
        "DELETE FROM items WHERE account_id = $1
            OR device_id IN (SELECT id FROM devices WHERE account_id = $1)",
        "DELETE FROM chain_heads WHERE device_id IN (SELECT id FROM devices WHERE account_id = $1)",
        "DELETE FROM refresh_tokens WHERE account_id = $1",
        "DELETE FROM site_supervisors WHERE account_id = $1",
        "DELETE FROM devices WHERE account_id = $1",
    ] {
        deleted += tx.execute(sql, &[&account_id]).await?;
    }
    if let Some(phone_key) = phone_key {
        deleted += tx
            .execute("DELETE FROM sms_codes WHERE phone_key = $1", &[&phone_key])
            .await?;
        // Rate keys are "<scope>.phone:<hex of the same keyed hash>" (see
        // accounts::limits); they expire anyway, but need not outlive the account.
        deleted += tx
            .execute(
                "DELETE FROM rate_events WHERE key LIKE '%.phone:' || encode($1, 'hex')",
                &[&phone_key],
            )
            .await?;
        deleted += tx
            .execute("DELETE FROM accounts WHERE id = $1", &[&account_id])
            .await?;
    }
    Ok(DeletionCounts {
        anonymised_attendance,
        anonymised_decisions,
        deleted,
    })
}
