use laowu_protocol::Platform;

use super::PostgresStore;
use crate::store::{DeviceRecord, DeviceStore, Inserted, NewDevice, StoreError, StoreFuture};

impl DeviceStore for PostgresStore {
    fn insert_device(&self, d: NewDevice) -> StoreFuture<'_, Inserted> {
        Box::pin(async move {
            let inserted = self
                .client()
                .await?
                .execute(
                    "INSERT INTO devices (id, account_id, public_key, platform, registered_ms)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT DO NOTHING",
                    &[
                        &d.id,
                        &d.account_id,
                        &d.public_key,
                        &d.platform.as_str(),
                        &d.registered_ms,
                    ],
                )
                .await?;
            Ok(if inserted == 1 {
                Inserted::Created
            } else {
                Inserted::Duplicate
            })
        })
    }

    fn devices(&self, account_id: String) -> StoreFuture<'_, Vec<DeviceRecord>> {
        Box::pin(async move {
            let rows = self
                .client()
                .await?
                .query(
                    "SELECT id, public_key, platform, registered_ms FROM devices
                     WHERE account_id = $1 ORDER BY registered_ms, id",
                    &[&account_id],
                )
                .await?;
            rows.into_iter()
                .map(|row| {
                    Ok(DeviceRecord {
                        id: row.try_get(0)?,
                        public_key: row.try_get(1)?,
                        platform: Platform::parse(row.try_get(2)?)
                            .ok_or(StoreError::Corrupt("unknown platform"))?,
                        registered_ms: row.try_get(3)?,
                    })
                })
                .collect()
        })
    }

    fn device_belongs(&self, account_id: String, device_id: String) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            Ok(self
                .client()
                .await?
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM devices WHERE id = $1 AND account_id = $2)",
                    &[&device_id, &account_id],
                )
                .await?
                .try_get(0)?)
        })
    }
}
