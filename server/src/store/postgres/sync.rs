use super::{PostgresStore, flag, lock};
use crate::store::chain::{Chain, seen_before};
use crate::store::{
    AttendanceRow, DecisionRecord, Incoming, Ingested, Inserted, ItemRow, PushBatch, SiteRecord,
    StoreError, StoreFuture, SyncStore, Upserted,
};

type Tx<'a> = deadpool_postgres::Transaction<'a>;

impl SyncStore for PostgresStore {
    fn device_key(
        &self,
        account_id: String,
        device_id: String,
    ) -> StoreFuture<'_, Option<Vec<u8>>> {
        Box::pin(async move {
            let row = self
                .client()
                .await?
                .query_opt(
                    "SELECT public_key FROM devices WHERE id = $1 AND account_id = $2",
                    &[&device_id, &account_id],
                )
                .await?;
            Ok(row.map(|r| r.try_get(0)).transpose()?)
        })
    }

    fn ingest(&self, batch: PushBatch) -> StoreFuture<'_, Vec<Ingested>> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            // One device's pushes are taken one at a time, whichever process
            // receives them: the chain head read below is then the latest.
            lock(&tx, "device", batch.device_id.as_bytes()).await?;
            let results = ingest(&tx, batch).await?;
            tx.commit().await?;
            Ok(results)
        })
    }

    fn put_site(&self, site: SiteRecord, now_ms: i64) -> StoreFuture<'_, Upserted> {
        Box::pin(async move {
            // `xmax = 0` holds for a row this statement inserted, not updated.
            let created: bool = self
                .client()
                .await?
                .query_one(
                    "INSERT INTO sites (id, spec, time_zone, created_ms, updated_ms)
                     VALUES ($1, $2, $3, $4, $4)
                     ON CONFLICT (id) DO UPDATE
                       SET spec = excluded.spec, time_zone = excluded.time_zone,
                           updated_ms = excluded.updated_ms
                     RETURNING (xmax = 0)",
                    &[&site.id, &site.spec, &site.time_zone, &now_ms],
                )
                .await?
                .try_get(0)?;
            Ok(if created {
                Upserted::Created
            } else {
                Upserted::Replaced
            })
        })
    }

    fn sites(&self) -> StoreFuture<'_, Vec<SiteRecord>> {
        Box::pin(async move {
            let rows = self
                .client()
                .await?
                .query("SELECT id, spec, time_zone FROM sites ORDER BY id", &[])
                .await?;
            rows.into_iter()
                .map(|r| {
                    Ok(SiteRecord {
                        id: r.try_get(0)?,
                        spec: r.try_get(1)?,
                        time_zone: r.try_get(2)?,
                    })
                })
                .collect()
        })
    }

    fn site_time_zones(&self, ids: Vec<String>) -> StoreFuture<'_, Vec<(String, String)>> {
        Box::pin(async move {
            let client = self.client().await?;
            let stmt = client
                .prepare_cached("SELECT time_zone FROM sites WHERE id = $1")
                .await?;
            let mut found = Vec::new();
            for id in ids {
                if let Some(row) = client.query_opt(&stmt, &[&id]).await? {
                    found.push((id, row.try_get(0)?));
                }
            }
            Ok(found)
        })
    }

    fn publish_policy(
        &self,
        version: String,
        text: String,
        now_ms: i64,
    ) -> StoreFuture<'_, Inserted> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(
                    "INSERT INTO policies (version, text, published_ms) VALUES ($1, $2, $3)
                     ON CONFLICT (version) DO NOTHING",
                    &[&version, &text, &now_ms],
                )
                .await?;
            // Publishing the same text again is harmless; other text under a
            // version phones already hold receipts for is refused.
            let stored: String = client
                .query_one("SELECT text FROM policies WHERE version = $1", &[&version])
                .await?
                .try_get(0)?;
            Ok(if stored == text {
                Inserted::Created
            } else {
                Inserted::Duplicate
            })
        })
    }

    fn latest_policy(&self) -> StoreFuture<'_, Option<(String, String)>> {
        Box::pin(async move {
            let row = self
                .client()
                .await?
                .query_opt(
                    "SELECT version, text FROM policies
                     ORDER BY published_ms DESC, version DESC LIMIT 1",
                    &[],
                )
                .await?;
            row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
        })
    }

    fn decisions_after(
        &self,
        account_id: String,
        cursor: u64,
        limit: u32,
    ) -> StoreFuture<'_, Vec<DecisionRecord>> {
        Box::pin(async move {
            let client = self.client().await?;
            let stmt = client
                .prepare_cached(
                    "SELECT cursor, event_id, approved, note_sealed, decided_ms, signature
                     FROM decisions WHERE account_id = $1 AND cursor > $2
                     ORDER BY cursor LIMIT $3",
                )
                .await?;
            let cursor = i64::try_from(cursor).unwrap_or(i64::MAX);
            let rows = client
                .query(&stmt, &[&account_id, &cursor, &i64::from(limit)])
                .await?;
            rows.into_iter()
                .map(|r| {
                    Ok(DecisionRecord {
                        cursor: r.try_get::<_, i64>(0)? as u64,
                        event_id: r.try_get(1)?,
                        approved: r.try_get::<_, i64>(2)? != 0,
                        note_sealed: r.try_get(3)?,
                        decided_ms: r.try_get(4)?,
                        signature: r.try_get(5)?,
                    })
                })
                .collect()
        })
    }

    fn purge_fixes(&self, cutoff_ms: i64) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            Ok(self
                .client()
                .await?
                .execute(
                    "UPDATE attendance SET fix_sealed = NULL
                     WHERE fix_sealed IS NOT NULL AND at_ms < $1
                       AND NOT (needs_review = 1 AND NOT EXISTS
                            (SELECT 1 FROM decisions d WHERE d.event_id = attendance.event_id))",
                    &[&cutoff_ms],
                )
                .await?)
        })
    }
}

async fn ingest(tx: &Tx<'_>, batch: PushBatch) -> Result<Vec<Ingested>, StoreError> {
    let head = tx
        .query_opt(
            "SELECT seq, hash FROM chain_heads WHERE device_id = $1",
            &[&batch.device_id],
        )
        .await?;
    let mut chain = Chain::from_head(
        head.map(|r| Ok::<_, StoreError>((r.try_get::<_, i64>(0)? as u64, r.try_get(1)?)))
            .transpose()?,
    );
    let mut results = Vec::with_capacity(batch.items.len());
    for item in batch.items {
        let result = match item {
            Incoming::Refused {
                code,
                reason,
                attendance: link,
            } => {
                chain.refused_early(link);
                Ingested::Refused { code, reason }
            }
            Incoming::Attendance(row) => {
                attendance(
                    tx,
                    &batch.device_id,
                    &batch.account_id,
                    batch.received_ms,
                    row,
                    &mut chain,
                )
                .await?
            }
            Incoming::Other(row) => {
                other(
                    tx,
                    &batch.device_id,
                    &batch.account_id,
                    batch.received_ms,
                    row,
                )
                .await?
            }
        };
        results.push(result);
    }
    if chain.moved {
        tx.execute(
            "INSERT INTO chain_heads (device_id, seq, hash) VALUES ($1, $2, $3)
             ON CONFLICT (device_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            &[&batch.device_id, &(chain.seq as i64), &chain.hash],
        )
        .await?;
    }
    Ok(results)
}

async fn attendance(
    tx: &Tx<'_>,
    device_id: &str,
    account_id: &str,
    received_ms: i64,
    row: AttendanceRow,
    chain: &mut Chain,
) -> Result<Ingested, StoreError> {
    let find = tx
        .prepare_cached("SELECT device_id, event_hash FROM attendance WHERE event_id = $1")
        .await?;
    if let Some(stored) = tx.query_opt(&find, &[&row.event_id]).await? {
        let owner: String = stored.try_get(0)?;
        let hash: String = stored.try_get(1)?;
        return Ok(seen_before(owner == device_id && hash == row.event_hash));
    }
    if let Some(refused) = chain.check(&row) {
        return Ok(refused);
    }
    // The unique keys (event_id; device_id and seq) decide: a row that
    // conflicts is not written, and the event is refused as out of chain.
    let insert = tx
        .prepare_cached(
            "INSERT INTO attendance (event_id, device_id, account_id, seq, event_hash, site_id,
                 day, kind, at_ms, needs_review, event_sealed, fix_sealed, received_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT DO NOTHING",
        )
        .await?;
    let inserted = tx
        .execute(
            &insert,
            &[
                &row.event_id,
                &device_id,
                &account_id,
                &(row.seq as i64),
                &row.event_hash,
                &row.site_id,
                &row.day,
                &row.kind,
                &row.at_ms,
                &flag(row.needs_review),
                &row.event_sealed,
                &row.fix_sealed,
                &received_ms,
            ],
        )
        .await?;
    Ok(if inserted == 1 {
        chain.accepted(row)
    } else {
        chain.conflicted()
    })
}

async fn other(
    tx: &Tx<'_>,
    device_id: &str,
    account_id: &str,
    received_ms: i64,
    row: ItemRow,
) -> Result<Ingested, StoreError> {
    // Idempotency is the primary key's: a resend inserts nothing, and is a
    // duplicate when what is stored under its key is the same content.
    let insert = tx
        .prepare_cached(
            "INSERT INTO items (device_id, key, account_id, stream, content_hash,
                 payload_sealed, received_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (device_id, key) DO NOTHING",
        )
        .await?;
    let inserted = tx
        .execute(
            &insert,
            &[
                &device_id,
                &row.key,
                &account_id,
                &row.stream,
                &row.content_hash,
                &row.payload_sealed,
                &received_ms,
            ],
        )
        .await?;
    if inserted == 1 {
        return Ok(Ingested::Accepted);
    }
    let stored: Vec<u8> = tx
        .query_one(
            "SELECT content_hash FROM items WHERE device_id = $1 AND key = $2",
            &[&device_id, &row.key],
        )
        .await?
        .try_get(0)?;
    Ok(seen_before(stored == row.content_hash))
}
