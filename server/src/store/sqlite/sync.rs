use rusqlite::{OptionalExtension, Transaction, params};

use super::{SqliteStore, is_unique_violation};
use crate::store::chain::{Chain, seen_before};
use crate::store::{
    AttendanceRow, DecisionRecord, Incoming, Ingested, Inserted, ItemRow, PushBatch, SiteRecord,
    StoreError, StoreFuture, SyncStore, Upserted,
};

impl SyncStore for SqliteStore {
    fn device_key(
        &self,
        account_id: String,
        device_id: String,
    ) -> StoreFuture<'_, Option<Vec<u8>>> {
        self.call(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT public_key FROM devices WHERE id = ?1 AND account_id = ?2",
                    [device_id, account_id],
                    |r| r.get(0),
                )
                .optional()?)
        })
    }

    fn ingest(&self, batch: PushBatch) -> StoreFuture<'_, Vec<Ingested>> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let results = ingest(&tx, batch)?;
            tx.commit()?;
            Ok(results)
        })
    }

    fn put_site(&self, site: SiteRecord, now_ms: i64) -> StoreFuture<'_, Upserted> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let replaced = tx.execute(
                "UPDATE sites SET spec = ?2, time_zone = ?3, updated_ms = ?4 WHERE id = ?1",
                params![site.id, site.spec, site.time_zone, now_ms],
            )? == 1;
            if !replaced {
                tx.execute(
                    "INSERT INTO sites (id, spec, time_zone, created_ms, updated_ms)
                     VALUES (?1, ?2, ?3, ?4, ?4)",
                    params![site.id, site.spec, site.time_zone, now_ms],
                )?;
            }
            tx.commit()?;
            Ok(if replaced {
                Upserted::Replaced
            } else {
                Upserted::Created
            })
        })
    }

    fn sites(&self) -> StoreFuture<'_, Vec<SiteRecord>> {
        self.call(|conn| {
            let mut stmt =
                conn.prepare_cached("SELECT id, spec, time_zone FROM sites ORDER BY id")?;
            let rows = stmt.query_map([], |r| {
                Ok(SiteRecord {
                    id: r.get(0)?,
                    spec: r.get(1)?,
                    time_zone: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn site_time_zones(&self, ids: Vec<String>) -> StoreFuture<'_, Vec<(String, String)>> {
        self.call(move |conn| {
            let mut stmt = conn.prepare_cached("SELECT time_zone FROM sites WHERE id = ?1")?;
            let mut found = Vec::new();
            for id in ids {
                if let Some(tz) = stmt
                    .query_row([&id], |r| r.get::<_, String>(0))
                    .optional()?
                {
                    found.push((id, tz));
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
        self.call(move |conn| {
            let existing: Option<String> = conn
                .query_row(
                    "SELECT text FROM policies WHERE version = ?1",
                    [&version],
                    |r| r.get(0),
                )
                .optional()?;
            match existing {
                Some(same) if same == text => Ok(Inserted::Created),
                Some(_) => Ok(Inserted::Duplicate),
                None => {
                    conn.execute(
                        "INSERT INTO policies (version, text, published_ms) VALUES (?1, ?2, ?3)",
                        params![version, text, now_ms],
                    )?;
                    Ok(Inserted::Created)
                }
            }
        })
    }

    fn latest_policy(&self) -> StoreFuture<'_, Option<(String, String)>> {
        self.call(|conn| {
            Ok(conn
                .query_row(
                    "SELECT version, text FROM policies ORDER BY published_ms DESC, rowid DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?)
        })
    }

    fn decisions_after(
        &self,
        account_id: String,
        cursor: u64,
        limit: u32,
    ) -> StoreFuture<'_, Vec<DecisionRecord>> {
        self.call(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT cursor, event_id, approved, note_sealed, decided_ms, signature
                 FROM decisions WHERE account_id = ?1 AND cursor > ?2
                 ORDER BY cursor LIMIT ?3",
            )?;
            let cursor = i64::try_from(cursor).unwrap_or(i64::MAX);
            let rows = stmt.query_map(params![account_id, cursor, limit], |r| {
                Ok(DecisionRecord {
                    cursor: r.get::<_, i64>(0)? as u64,
                    event_id: r.get(1)?,
                    approved: r.get(2)?,
                    note_sealed: r.get(3)?,
                    decided_ms: r.get(4)?,
                    signature: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn purge_fixes(&self, cutoff_ms: i64) -> StoreFuture<'_, u64> {
        self.call(move |conn| {
            let purged = conn.execute(
                "UPDATE attendance SET fix_sealed = NULL
                 WHERE fix_sealed IS NOT NULL AND at_ms < ?1
                   AND NOT (needs_review = 1 AND NOT EXISTS
                        (SELECT 1 FROM decisions d WHERE d.event_id = attendance.event_id))",
                [cutoff_ms],
            )?;
            Ok(purged as u64)
        })
    }
}

fn ingest(tx: &Transaction<'_>, batch: PushBatch) -> Result<Vec<Ingested>, StoreError> {
    let head = tx
        .query_row(
            "SELECT seq, hash FROM chain_heads WHERE device_id = ?1",
            [&batch.device_id],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?)),
        )
        .optional()?;
    let mut chain = Chain::from_head(head);
    let mut results = Vec::with_capacity(batch.items.len());
    for item in batch.items {
        let result = match item {
            Incoming::Refused {
                code,
                reason,
                attendance,
            } => {
                chain.refused_early(attendance);
                Ingested::Refused { code, reason }
            }
            Incoming::Attendance(row) => attendance(
                tx,
                &batch.device_id,
                &batch.account_id,
                batch.received_ms,
                row,
                &mut chain,
            )?,
            Incoming::Other(row) => other(
                tx,
                &batch.device_id,
                &batch.account_id,
                batch.received_ms,
                row,
            )?,
        };
        results.push(result);
    }
    if chain.moved {
        tx.execute(
            "INSERT INTO chain_heads (device_id, seq, hash) VALUES (?1, ?2, ?3)
             ON CONFLICT (device_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            params![batch.device_id, chain.seq as i64, chain.hash],
        )?;
    }
    Ok(results)
}

fn attendance(
    tx: &Transaction<'_>,
    device_id: &str,
    account_id: &str,
    received_ms: i64,
    row: AttendanceRow,
    chain: &mut Chain,
) -> Result<Ingested, StoreError> {
    let stored: Option<(String, String)> = tx
        .query_row(
            "SELECT device_id, event_hash FROM attendance WHERE event_id = ?1",
            [&row.event_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((owner, hash)) = stored {
        return Ok(seen_before(owner == device_id && hash == row.event_hash));
    }
    if let Some(refused) = chain.check(&row) {
        return Ok(refused);
    }
    let inserted = tx.execute(
        "INSERT INTO attendance (event_id, device_id, account_id, seq, event_hash, site_id, day,
             kind, at_ms, needs_review, event_sealed, fix_sealed, received_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            row.event_id,
            device_id,
            account_id,
            row.seq as i64,
            row.event_hash,
            row.site_id,
            row.day,
            row.kind,
            row.at_ms,
            row.needs_review,
            row.event_sealed,
            row.fix_sealed,
            received_ms
        ],
    );
    match inserted {
        Ok(_) => Ok(chain.accepted(row)),
        Err(e) if is_unique_violation(&e) => Ok(chain.conflicted()),
        Err(e) => Err(e.into()),
    }
}

fn other(
    tx: &Transaction<'_>,
    device_id: &str,
    account_id: &str,
    received_ms: i64,
    row: ItemRow,
) -> Result<Ingested, StoreError> {
    let stored: Option<Vec<u8>> = tx
        .query_row(
            "SELECT content_hash FROM items WHERE device_id = ?1 AND key = ?2",
            [device_id, &row.key],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(hash) = stored {
        return Ok(seen_before(hash == row.content_hash));
    }
    tx.execute(
        "INSERT INTO items (device_id, key, account_id, stream, content_hash, payload_sealed,
             received_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            device_id,
            row.key,
            account_id,
            row.stream,
            row.content_hash,
            row.payload_sealed,
            received_ms
        ],
    )?;
    Ok(Ingested::Accepted)
}
