use tokio_postgres::Row;

use super::{PostgresStore, flag, lock};
use crate::store::{
    Binding, NewDecision, ReviewRow, StoreError, StoreFuture, StoredDecision, SupervisionStore,
};

const REVIEW_COLUMNS: &str = "a.event_id, a.account_id, acc.name_sealed, a.site_id, a.day,
     a.needs_review, a.event_sealed, d.cursor, d.approved, d.note_sealed
     FROM attendance a
     LEFT JOIN accounts acc ON acc.id = a.account_id
     LEFT JOIN decisions d ON d.event_id = a.event_id";

fn review_row(r: &Row) -> Result<ReviewRow, StoreError> {
    let cursor: Option<i64> = r.try_get(7)?;
    Ok(ReviewRow {
        event_id: r.try_get(0)?,
        account_id: r.try_get(1)?,
        name_sealed: r.try_get(2)?,
        site_id: r.try_get(3)?,
        day: r.try_get(4)?,
        needs_review: r.try_get::<_, i64>(5)? != 0,
        event_sealed: r.try_get(6)?,
        decision: match cursor {
            Some(cursor) => Some(StoredDecision {
                cursor: cursor as u64,
                approved: r.try_get::<_, i64>(8)? != 0,
                note_sealed: r.try_get(9)?,
            }),
            None => None,
        },
    })
}

impl SupervisionStore for PostgresStore {
    fn bind_supervisor(&self, phone_key: Vec<u8>, site_id: String) -> StoreFuture<'_, Binding> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let Some(account) = tx
                .query_opt(
                    "SELECT id FROM accounts WHERE phone_key = $1 FOR UPDATE",
                    &[&phone_key],
                )
                .await?
            else {
                return Ok(Binding::NoAccount);
            };
            let account_id: String = account.try_get(0)?;
            let site_known: bool = tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM sites WHERE id = $1)",
                    &[&site_id],
                )
                .await?
                .try_get(0)?;
            if !site_known {
                return Ok(Binding::NoSite);
            }
            tx.execute(
                "UPDATE accounts SET role = 'supervisor' WHERE id = $1 AND role = 'worker'",
                &[&account_id],
            )
            .await?;
            tx.execute(
                "INSERT INTO site_supervisors (site_id, account_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
                &[&site_id, &account_id],
            )
            .await?;
            tx.commit().await?;
            Ok(Binding::Bound { account_id })
        })
    }

    fn supervises(&self, account_id: String, site_id: String) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            Ok(self
                .client()
                .await?
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM site_supervisors
                         WHERE site_id = $1 AND account_id = $2)",
                    &[&site_id, &account_id],
                )
                .await?
                .try_get(0)?)
        })
    }

    fn review_rows(
        &self,
        site_id: String,
        day_or_month: String,
    ) -> StoreFuture<'_, Vec<ReviewRow>> {
        Box::pin(async move {
            // A month is a prefix of its days, so its days lie between
            // `YYYY-MM` and `YYYY-MM-99`. Both bounds have digits and dashes
            // in the same places as every day, so the range means the same
            // in any collation, and the (site_id, day) index serves it.
            let last = if day_or_month.len() == "YYYY-MM".len() {
                format!("{day_or_month}-99")
            } else {
                day_or_month.clone()
            };
            let rows = self
                .client()
                .await?
                .query(
                    &format!(
                        "SELECT {REVIEW_COLUMNS}
                         WHERE a.site_id = $1 AND a.day BETWEEN $2 AND $3
                         ORDER BY a.day, a.at_ms, a.event_id"
                    ),
                    &[&site_id, &day_or_month, &last],
                )
                .await?;
            rows.iter().map(review_row).collect()
        })
    }

    fn review_row(&self, event_id: String) -> StoreFuture<'_, Option<ReviewRow>> {
        Box::pin(async move {
            self.client()
                .await?
                .query_opt(
                    &format!("SELECT {REVIEW_COLUMNS} WHERE a.event_id = $1"),
                    &[&event_id],
                )
                .await?
                .as_ref()
                .map(review_row)
                .transpose()
        })
    }

    fn decide(&self, d: NewDecision) -> StoreFuture<'_, StoredDecision> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            // Cursors come from a sequence when a row is inserted, but become
            // visible when it commits. Decisions on one worker's events are
            // made one at a time, so a phone that has pulled up to a cursor
            // can never later find a smaller one appear.
            let owner: Option<String> = tx
                .query_opt(
                    "SELECT account_id FROM attendance WHERE event_id = $1",
                    &[&d.event_id],
                )
                .await?
                .map(|r| r.try_get(0))
                .transpose()?
                .flatten();
            lock(
                &tx,
                "decisions",
                owner.as_deref().unwrap_or_default().as_bytes(),
            )
            .await?;
            tx.execute(
                "INSERT INTO decisions (event_id, account_id, approved, note_sealed,
                     supervisor_id, decided_ms, signature)
                 SELECT $1, account_id, $2, $3, $4, $5, $6 FROM attendance WHERE event_id = $1
                 ON CONFLICT (event_id) DO NOTHING",
                &[
                    &d.event_id,
                    &flag(d.approved),
                    &d.note_sealed,
                    &d.supervisor_id,
                    &d.decided_ms,
                    &d.signature,
                ],
            )
            .await?;
            let stood = tx
                .query_one(
                    "SELECT cursor, approved, note_sealed FROM decisions WHERE event_id = $1",
                    &[&d.event_id],
                )
                .await?;
            let stood = StoredDecision {
                cursor: stood.try_get::<_, i64>(0)? as u64,
                approved: stood.try_get::<_, i64>(1)? != 0,
                note_sealed: stood.try_get(2)?,
            };
            tx.commit().await?;
            Ok(stood)
        })
    }
}
