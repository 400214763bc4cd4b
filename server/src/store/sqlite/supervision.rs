use rusqlite::{OptionalExtension, Row, params};

use super::SqliteStore;
use crate::store::{
    Binding, NewDecision, ReviewRow, StoreFuture, StoredDecision, SupervisionStore,
};

const REVIEW_COLUMNS: &str = "a.event_id, a.account_id, acc.name_sealed, a.site_id, a.day,
     a.needs_review, a.event_sealed, d.cursor, d.approved, d.note_sealed
     FROM attendance a
     LEFT JOIN accounts acc ON acc.id = a.account_id
     LEFT JOIN decisions d ON d.event_id = a.event_id";

fn review_row(r: &Row<'_>) -> rusqlite::Result<ReviewRow> {
    let cursor: Option<i64> = r.get(7)?;
    Ok(ReviewRow {
        event_id: r.get(0)?,
        account_id: r.get(1)?,
        name_sealed: r.get(2)?,
        site_id: r.get(3)?,
        day: r.get(4)?,
        needs_review: r.get(5)?,
        event_sealed: r.get(6)?,
        decision: match cursor {
            Some(cursor) => Some(StoredDecision {
                cursor: cursor as u64,
                approved: r.get(8)?,
                note_sealed: r.get(9)?,
            }),
            None => None,
        },
    })
}

impl SupervisionStore for SqliteStore {
    fn bind_supervisor(&self, phone_key: Vec<u8>, site_id: String) -> StoreFuture<'_, Binding> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let Some(account_id) = tx
                .query_row(
                    "SELECT id FROM accounts WHERE phone_key = ?1",
                    [&phone_key],
                    |r| r.get::<_, String>(0),
                )
                .optional()?
            else {
                return Ok(Binding::NoAccount);
            };
            let site_known: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM sites WHERE id = ?1)",
                [&site_id],
                |r| r.get(0),
            )?;
            if !site_known {
                return Ok(Binding::NoSite);
            }
            tx.execute(
                "UPDATE accounts SET role = 'supervisor' WHERE id = ?1 AND role = 'worker'",
                [&account_id],
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO site_supervisors (site_id, account_id) VALUES (?1, ?2)",
                [&site_id, &account_id],
            )?;
            tx.commit()?;
            Ok(Binding::Bound { account_id })
        })
    }

    fn supervises(&self, account_id: String, site_id: String) -> StoreFuture<'_, bool> {
        self.call(move |conn| {
            Ok(conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM site_supervisors
                     WHERE site_id = ?1 AND account_id = ?2)",
                [site_id, account_id],
                |r| r.get(0),
            )?)
        })
    }

    fn review_rows(
        &self,
        site_id: String,
        day_or_month: String,
    ) -> StoreFuture<'_, Vec<ReviewRow>> {
        self.call(move |conn| {
            // A month is a prefix of its days; `day >= m AND day < m || '~'`
            // uses the (site_id, day) index where LIKE would not.
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {REVIEW_COLUMNS}
                 WHERE a.site_id = ?1 AND a.day >= ?2 AND a.day < ?2 || '~'
                 ORDER BY a.day, a.at_ms, a.event_id"
            ))?;
            let rows = stmt.query_map(params![site_id, day_or_month], review_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn review_row(&self, event_id: String) -> StoreFuture<'_, Option<ReviewRow>> {
        self.call(move |conn| {
            Ok(conn
                .query_row(
                    &format!("SELECT {REVIEW_COLUMNS} WHERE a.event_id = ?1"),
                    [event_id],
                    review_row,
                )
                .optional()?)
        })
    }

    fn decide(&self, d: NewDecision) -> StoreFuture<'_, StoredDecision> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO decisions (event_id, account_id, approved, note_sealed,
                     supervisor_id, decided_ms, signature)
                 SELECT ?1, account_id, ?2, ?3, ?4, ?5, ?6 FROM attendance WHERE event_id = ?1
                 ON CONFLICT (event_id) DO NOTHING",
                params![
                    d.event_id,
                    d.approved,
                    d.note_sealed,
                    d.supervisor_id,
                    d.decided_ms,
                    d.signature
                ],
            )?;
            let stood = tx.query_row(
                "SELECT cursor, approved, note_sealed FROM decisions WHERE event_id = ?1",
                [&d.event_id],
                |r| {
                    Ok(StoredDecision {
                        cursor: r.get::<_, i64>(0)? as u64,
                        approved: r.get(1)?,
                        note_sealed: r.get(2)?,
                    })
                },
            )?;
            tx.commit()?;
            Ok(stood)
        })
    }
}
