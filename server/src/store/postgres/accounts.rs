use laowu_protocol::Role;
use tokio_postgres::Row;

use super::PostgresStore;
use crate::store::{AccountRecord, AccountStore, Inserted, NewAccount, StoreError, StoreFuture};

impl AccountStore for PostgresStore {
    fn insert_account(&self, a: NewAccount) -> StoreFuture<'_, Inserted> {
        Box::pin(async move {
            let inserted = self
                .client()
                .await?
                .execute(
                    "INSERT INTO accounts (id, phone_key, phone_sealed, name_sealed, password_hash,
                                           role, created_ms, password_changed_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
                     ON CONFLICT DO NOTHING",
                    &[
                        &a.id,
                        &a.phone_key,
                        &a.phone_sealed,
                        &a.name_sealed,
                        &a.password_hash,
                        &a.role.as_str(),
                        &a.created_ms,
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

    fn account_by_phone(&self, phone_key: Vec<u8>) -> StoreFuture<'_, Option<AccountRecord>> {
        Box::pin(async move {
            self.client()
                .await?
                .query_opt(
                    "SELECT id, role, password_hash FROM accounts WHERE phone_key = $1",
                    &[&phone_key],
                )
                .await?
                .map(account_row)
                .transpose()
        })
    }

    fn account(&self, id: String) -> StoreFuture<'_, Option<AccountRecord>> {
        Box::pin(async move {
            self.client()
                .await?
                .query_opt(
                    "SELECT id, role, password_hash FROM accounts WHERE id = $1",
                    &[&id],
                )
                .await?
                .map(account_row)
                .transpose()
        })
    }

    fn reset_password(
        &self,
        id: String,
        password_hash: String,
        now_ms: i64,
    ) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let changed = tx
                .execute(
                    "UPDATE accounts SET password_hash = $2, password_changed_ms = $3 WHERE id = $1",
                    &[&id, &password_hash, &now_ms],
                )
                .await?;
            // Deleted, not marked revoked: a token presented after a reset
            // is simply unknown, not evidence of a stolen copy.
            tx.execute("DELETE FROM refresh_tokens WHERE account_id = $1", &[&id])
                .await?;
            tx.commit().await?;
            Ok(changed == 1)
        })
    }
}

fn account_row(row: Row) -> Result<AccountRecord, StoreError> {
    let role = Role::parse(row.try_get(1)?).ok_or(StoreError::Corrupt("unknown role"))?;
    Ok(AccountRecord {
        id: row.try_get(0)?,
        role,
        password_hash: row.try_get(2)?,
    })
}
