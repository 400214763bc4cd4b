use laowu_protocol::Role;
use rusqlite::{OptionalExtension, Transaction, params};

use super::SqliteStore;
use crate::store::{NewRefreshToken, Rotation, SessionStore, StoreError, StoreFuture};

impl SessionStore for SqliteStore {
    fn insert_refresh_token(&self, t: NewRefreshToken) -> StoreFuture<'_, ()> {
        self.call(move |conn| {
            insert(conn, &t)?;
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
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let found = tx
                .query_row(
                    "SELECT t.family_id, t.account_id, t.device_id, t.expires_ms, t.revoked_ms, a.role
                     FROM refresh_tokens t JOIN accounts a ON a.id = t.account_id
                     WHERE t.token_hash = ?1",
                    [&presented_hash],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, Option<String>>(2)?,
                            r.get::<_, i64>(3)?,
                            r.get::<_, Option<i64>>(4)?,
                            r.get::<_, String>(5)?,
                        ))
                    },
                )
                .optional()?;
            let Some((family_id, account_id, device_id, expires_ms, revoked_ms, role)) = found
            else {
                return Ok(Rotation::Invalid);
            };
            if expires_ms <= now_ms {
                return Ok(Rotation::Invalid);
            }
            if revoked_ms.is_some() {
                tx.execute(
                    "UPDATE refresh_tokens SET revoked_ms = ?2
                     WHERE family_id = ?1 AND revoked_ms IS NULL",
                    params![family_id, now_ms],
                )?;
                tx.commit()?;
                return Ok(Rotation::Reused);
            }
            let role = Role::parse(&role).ok_or(StoreError::Corrupt("unknown role"))?;
            tx.execute(
                "UPDATE refresh_tokens SET revoked_ms = ?2 WHERE token_hash = ?1",
                params![presented_hash, now_ms],
            )?;
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
            )?;
            tx.commit()?;
            Ok(Rotation::Rotated {
                account_id,
                role,
                device_id,
            })
        })
    }
}

fn insert(conn: &rusqlite::Connection, t: &NewRefreshToken) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO refresh_tokens (token_hash, family_id, account_id, device_id, issued_ms, expires_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            t.token_hash,
            t.family_id,
            t.account_id,
            t.device_id,
            t.issued_ms,
            t.expires_ms
        ],
    )?;
    Ok(())
}

/// Expired tokens go; revoked ones stay until they expire, so a replayed
/// copy is still recognised as reuse (and revokes its family) for as long as
/// it could otherwise have been used.
pub(super) fn delete_expired(tx: &Transaction<'_>, now_ms: i64) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM refresh_tokens WHERE expires_ms <= ?1",
        [now_ms],
    )?;
    Ok(())
}
