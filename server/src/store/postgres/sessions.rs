use laowu_protocol::Role;

use super::PostgresStore;
use crate::store::{NewRefreshToken, Rotation, SessionStore, StoreError, StoreFuture};

impl SessionStore for PostgresStore {
    fn insert_refresh_token(&self, t: NewRefreshToken) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            insert(&tx, &t).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    fn rotate_refresh_token(
        &self,
        presented_hash: Vec<u8>,
        replacement_hash: Vec<u8>,
        now_ms: i64,
        replacement_expires_ms: i64,
    ) -> StoreFuture<'_, Rotation> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            // FOR UPDATE: of two processes rotating one token at once, the
            // second waits and then finds it revoked, i.e. reused.
            let Some(found) = tx
                .query_opt(
                    "SELECT t.family_id, t.account_id, t.device_id, t.expires_ms, t.revoked_ms, a.role
                     FROM refresh_tokens t JOIN accounts a ON a.id = t.account_id
                     WHERE t.token_hash = $1
                     FOR UPDATE OF t",
                    &[&presented_hash],
                )
                .await?
            else {
                return Ok(Rotation::Invalid);
            };
            let family_id: String = found.try_get(0)?;
            let account_id: String = found.try_get(1)?;
            let device_id: Option<String> = found.try_get(2)?;
            let expires_ms: i64 = found.try_get(3)?;
            let revoked_ms: Option<i64> = found.try_get(4)?;
            if expires_ms <= now_ms {
                return Ok(Rotation::Invalid);
            }
            if revoked_ms.is_some() {
                tx.execute(
                    "UPDATE refresh_tokens SET revoked_ms = $2
                     WHERE family_id = $1 AND revoked_ms IS NULL",
                    &[&family_id, &now_ms],
                )
                .await?;
                tx.commit().await?;
                return Ok(Rotation::Reused);
            }
            let role = Role::parse(found.try_get(5)?).ok_or(StoreError::Corrupt("unknown role"))?;
            tx.execute(
                "UPDATE refresh_tokens SET revoked_ms = $2 WHERE token_hash = $1",
                &[&presented_hash, &now_ms],
            )
            .await?;
            insert(
                &tx,
                &NewRefreshToken {
                    token_hash: replacement_hash,
                    family_id,
                    account_id: account_id.clone(),
                    device_id: device_id.clone(),
                    issued_ms: now_ms,
                    expires_ms: replacement_expires_ms,
                },
            )
            .await?;
            tx.commit().await?;
            Ok(Rotation::Rotated {
                account_id,
                role,
                device_id,
            })
        })
    }
}

async fn insert(
    tx: &deadpool_postgres::Transaction<'_>,
    t: &NewRefreshToken,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO refresh_tokens (token_hash, family_id, account_id, device_id, issued_ms, expires_ms)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &t.token_hash,
            &t.family_id,
            &t.account_id,
            &t.device_id,
            &t.issued_ms,
            &t.expires_ms,
        ],
    )
    .await?;
    Ok(())
}

/// Expired tokens go; revoked ones stay until they expire, so a replayed
/// copy is still recognised as reuse for as long as it could have been used.
pub(super) async fn delete_expired(
    tx: &deadpool_postgres::Transaction<'_>,
    now_ms: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM refresh_tokens WHERE expires_ms <= $1",
        &[&now_ms],
    )
    .await?;
    Ok(())
}
