use super::{PostgresStore, lock};
use crate::store::{Admission, RateCheck, RateStore, StoreError, StoreFuture};

impl RateStore for PostgresStore {
    fn admit(&self, mut checks: Vec<RateCheck>, now_ms: i64) -> StoreFuture<'_, Admission> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            // Count-then-insert must not interleave with another process
            // doing the same for a key. Locks are taken in key order so two
            // requests sharing keys cannot deadlock.
            checks.sort_by(|a, b| a.key.cmp(&b.key));
            for check in &checks {
                lock(&tx, "rate", check.key.as_bytes()).await?;
            }
            let mut retry_after_ms = 0i64;
            for check in &checks {
                for rule in &check.rules {
                    if let Some(wait) =
                        wait_for(&tx, &check.key, rule.max, rule.window_ms(), now_ms).await?
                    {
                        retry_after_ms = retry_after_ms.max(wait);
                    }
                }
            }
            if retry_after_ms > 0 {
                return Ok(Admission::Refused { retry_after_ms });
            }
            for check in &checks {
                tx.execute(
                    "INSERT INTO rate_events (key, at_ms) VALUES ($1, $2)",
                    &[&check.key, &now_ms],
                )
                .await?;
            }
            tx.commit().await?;
            Ok(Admission::Admitted)
        })
    }

    fn forget_rate_event(&self, keys: Vec<String>, at_ms: i64) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            for key in &keys {
                tx.execute(
                    "DELETE FROM rate_events WHERE ctid IN
                       (SELECT ctid FROM rate_events WHERE key = $1 AND at_ms = $2 LIMIT 1)",
                    &[key, &at_ms],
                )
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }
}

/// How long until one more event under `key` fits `max` per `window_ms`, or
/// `None` if it fits now. Events count while `now - at < window`.
async fn wait_for(
    tx: &deadpool_postgres::Transaction<'_>,
    key: &str,
    max: u32,
    window_ms: i64,
    now_ms: i64,
) -> Result<Option<i64>, StoreError> {
    if max == 0 {
        return Ok(Some(window_ms.max(1)));
    }
    let since = now_ms.saturating_sub(window_ms);
    let count: i64 = tx
        .query_one(
            "SELECT count(*) FROM rate_events WHERE key = $1 AND at_ms > $2",
            &[&key, &since],
        )
        .await?
        .try_get(0)?;
    let max = i64::from(max);
    if count < max {
        return Ok(None);
    }
    // Room opens when enough of the oldest events leave the window for the
    // count to drop below `max`: the (count - max)-th oldest, from zero.
    let pivot: i64 = tx
        .query_one(
            "SELECT at_ms FROM rate_events WHERE key = $1 AND at_ms > $2
             ORDER BY at_ms LIMIT 1 OFFSET $3",
            &[&key, &since, &(count - max)],
        )
        .await?
        .try_get(0)?;
    Ok(Some((pivot + window_ms - now_ms).max(1)))
}

pub(super) async fn delete_older_than(
    tx: &deadpool_postgres::Transaction<'_>,
    cutoff_ms: i64,
) -> Result<(), StoreError> {
    tx.execute("DELETE FROM rate_events WHERE at_ms <= $1", &[&cutoff_ms])
        .await?;
    Ok(())
}
