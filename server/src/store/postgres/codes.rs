use laowu_protocol::CodePurpose;

use super::{PostgresStore, lock};
use crate::store::{CodeClaim, CodeStore, NewCode, StoreError, StoreFuture};

impl CodeStore for PostgresStore {
    fn replace_code(&self, c: NewCode) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            // Two processes sending codes to one number at once must leave
            // one code, not two.
            lock(&tx, c.purpose.as_str(), &c.phone_key).await?;
            tx.execute(
                "DELETE FROM sms_codes WHERE phone_key = $1 AND purpose = $2",
                &[&c.phone_key, &c.purpose.as_str()],
            )
            .await?;
            tx.execute(
                "INSERT INTO sms_codes (id, phone_key, purpose, mac, expires_ms)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &c.id,
                    &c.phone_key,
                    &c.purpose.as_str(),
                    &c.mac,
                    &c.expires_ms,
                ],
            )
            .await?;
            tx.commit().await?;
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
        Box::pin(async move {
            // One UPDATE: the row lock makes concurrent guesses count one by one.
            let row = self
                .client()
                .await?
                .query_opt(
                    "UPDATE sms_codes SET attempts = attempts + 1
                     WHERE phone_key = $1 AND purpose = $2 AND used = 0
                       AND expires_ms > $3 AND attempts < $4
                     RETURNING id, mac",
                    &[
                        &phone_key,
                        &purpose.as_str(),
                        &now_ms,
                        &i64::from(max_attempts),
                    ],
                )
                .await?;
            row.map(|r| {
                Ok(CodeClaim {
                    id: r.try_get(0)?,
                    mac: r.try_get(1)?,
                })
            })
            .transpose()
        })
    }

    fn consume_code(&self, id: String) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            Ok(self
                .client()
                .await?
                .execute(
                    "UPDATE sms_codes SET used = 1 WHERE id = $1 AND used = 0",
                    &[&id],
                )
                .await?
                == 1)
        })
    }
}

pub(super) async fn delete_expired(
    tx: &deadpool_postgres::Transaction<'_>,
    now_ms: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM sms_codes WHERE expires_ms <= $1 OR used = 1",
        &[&now_ms],
    )
    .await?;
    Ok(())
}
