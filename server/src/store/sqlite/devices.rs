use laowu_protocol::Platform;
use rusqlite::params;

use super::{SqliteStore, is_unique_violation};
use crate::store::{DeviceRecord, DeviceStore, Inserted, NewDevice, StoreError, StoreFuture};

impl DeviceStore for SqliteStore {
    fn insert_device(&self, d: NewDevice) -> StoreFuture<'_, Inserted> {
        self.call(move |conn| {
            let inserted = conn.execute(
                "INSERT INTO devices (id, account_id, public_key, platform, registered_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    d.id,
                    d.account_id,
                    d.public_key,
                    d.platform.as_str(),
                    d.registered_ms
                ],
            );
            match inserted {
                Ok(_) => Ok(Inserted::Created),
                Err(e) if is_unique_violation(&e) => Ok(Inserted::Duplicate),
                Err(e) => Err(e.into()),
            }
        })
    }

    fn devices(&self, account_id: String) -> StoreFuture<'_, Vec<DeviceRecord>> {
        self.call(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, public_key, platform, registered_ms FROM devices
                 WHERE account_id = ?1 ORDER BY registered_ms, id",
            )?;
            let rows = stmt.query_map([account_id], |row| {
                let (id, public_key, platform, registered_ms): (String, Vec<u8>, String, i64) =
                    (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
                Ok(Platform::parse(&platform).map(|platform| DeviceRecord {
                    id,
                    public_key,
                    platform,
                    registered_ms,
                }))
            })?;
            rows.map(|r| r?.ok_or(StoreError::Corrupt("unknown platform")))
                .collect()
        })
    }

    fn device_belongs(&self, account_id: String, device_id: String) -> StoreFuture<'_, bool> {
        self.call(move |conn| {
            Ok(conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM devices WHERE id = ?1 AND account_id = ?2)",
                [device_id, account_id],
                |r| r.get(0),
            )?)
        })
    }
}
