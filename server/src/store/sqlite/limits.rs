use rusqlite::{Transaction, params};

use super::SqliteStore;
use crate::store::{Admission, RateCheck, RateStore, StoreError, StoreFuture};

impl RateStore for SqliteStore {
    fn admit(&self, checks: Vec<RateCheck>, now_ms: i64) -> StoreFuture<'_, Admission> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let mut retry_after_ms = 0i64;
            for check in &checks {
                for rule in &check.rules {
                    if let Some(wait) =
                        wait_for(&tx, &check.key, rule.max, rule.window_ms(), now_ms)?
                    {
                        retry_after_ms = retry_after_ms.max(wait);
                    }
                }
            }
            if retry_after_ms > 0 {
                return Ok(Admission::Refused { retry_after_ms });
            }
            for check in &checks {
                insert(&tx, &check.key, now_ms)?;
            }
            tx.commit()?;
            Ok(Admission::Admitted)
        })
    }

    fn forget_rate_event(&self, keys: Vec<String>, at_ms: i64) -> StoreFuture<'_, ()> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            for key in &keys {
                tx.execute(
                    "DELETE FROM rate_events WHERE rowid IN
                       (SELECT rowid FROM rate_events WHERE key = ?1 AND at_ms = ?2 LIMIT 1)",
                    params![key, at_ms],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
    }
}

/// How long until one more event under `key` fits `max` per `window_ms`, or
/// `None` if it fits now. Events count while `now - at < window`.
fn wait_for(
    tx: &Transaction<'_>,
    key: &str,
    max: u32,
    window_ms: i64,
    now_ms: i64,
) -> Result<Option<i64>, StoreError> {
    if max == 0 {
        return Ok(Some(window_ms.max(1)));
    }
    let since = now_ms.saturating_sub(window_ms);
    let count: i64 = tx.query_row(
        "SELECT count(*) FROM rate_events WHERE key = ?1 AND at_ms > ?2",
        params![key, since],
        |r| r.get(0),
    )?;
    let max = i64::from(max);
    if count < max {
        return Ok(None);
    }
    // Room opens when enough of the oldest events leave the window for the
    // count to drop below `max`: the (count - max)-th oldest, from zero.
    let pivot: i64 = tx.query_row(
        "SELECT at_ms FROM rate_events WHERE key = ?1 AND at_ms > ?2
         ORDER BY at_ms LIMIT 1 OFFSET ?3",
        params![key, since, count - max],
        |r| r.get(0),
    )?;
    Ok(Some((pivot + window_ms - now_ms).max(1)))
}

fn insert(tx: &Transaction<'_>, key: &str, now_ms: i64) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO rate_events (key, at_ms) VALUES (?1, ?2)",
        params![key, now_ms],
    )?;
    Ok(())
}

pub(super) fn delete_older_than(tx: &Transaction<'_>, cutoff_ms: i64) -> Result<(), StoreError> {
    tx.execute("DELETE FROM rate_events WHERE at_ms <= ?1", [cutoff_ms])?;
    Ok(())
}
