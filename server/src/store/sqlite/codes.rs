use laowu_protocol::CodePurpose;
use rusqlite::{OptionalExtension, Transaction, params};

use super::SqliteStore;
use crate::store::{CodeClaim, CodeStore, NewCode, StoreError, StoreFuture};

impl CodeStore for SqliteStore {
    fn replace_code(&self, c: NewCode) -> StoreFuture<'_, ()> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "DELETE FROM sms_codes WHERE phone_key = ?1 AND purpose = ?2",
                params![c.phone_key, c.purpose.as_str()],
            )?;
            tx.execute(
                "INSERT INTO sms_codes (id, phone_key, purpose, mac, expires_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![c.id, c.phone_key, c.purpose.as_str(), c.mac, c.expires_ms],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    fn claim_code_attempt(
        &self,
        phone_key: Vec<u8>,
        purpose: CodePurpose,
        now_ms: i64,
        max_attempts: u32,
    ) -> StoreFuture<'_, Option<CodeClaim>> {
        self.call(move |conn| {
            Ok(conn
                .query_row(
                    "UPDATE sms_codes SET attempts = attempts + 1
                     WHERE phone_key = ?1 AND purpose = ?2 AND used = 0
                       AND expires_ms > ?3 AND attempts < ?4
                     RETURNING id, mac",
                    params![phone_key, purpose.as_str(), now_ms, max_attempts],
                    |r| {
                        Ok(CodeClaim {
                            id: r.get(0)?,
                            mac: r.get(1)?,
                        })
                    },
                )
                .optional()?)
        })
    }

    fn consume_code(&self, id: String) -> StoreFuture<'_, bool> {
        self.call(move |conn| {
            Ok(conn.execute(
                "UPDATE sms_codes SET used = 1 WHERE id = ?1 AND used = 0",
                [id],
            )? == 1)
        })
    }
}

pub(super) fn delete_expired(tx: &Transaction<'_>, now_ms: i64) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM sms_codes WHERE expires_ms <= ?1 OR used = 1",
        [now_ms],
    )?;
    Ok(())
}
