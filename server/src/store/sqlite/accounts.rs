use laowu_protocol::Role;
use rusqlite::{OptionalExtension, Row, params};

use super::{SqliteStore, is_unique_violation};
use crate::store::{AccountRecord, AccountStore, Inserted, NewAccount, StoreError, StoreFuture};

impl AccountStore for SqliteStore {
    fn insert_account(&self, a: NewAccount) -> StoreFuture<'_, Inserted> {
        self.call(move |conn| {
            let inserted = conn.execute(
                "INSERT INTO accounts (id, phone_key, phone_sealed, name_sealed, password_hash,
                                       role, created_ms, password_changed_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                params![
                    a.id,
                    a.phone_key,
                    a.phone_sealed,
                    a.name_sealed,
                    a.password_hash,
                    a.role.as_str(),
                    a.created_ms
                ],
            );
            match inserted {
                Ok(_) => Ok(Inserted::Created),
                Err(e) if is_unique_violation(&e) => Ok(Inserted::Duplicate),
                Err(e) => Err(e.into()),
            }
        })
    }

    fn account_by_phone(&self, phone_key: Vec<u8>) -> StoreFuture<'_, Option<AccountRecord>> {
        self.call(move |conn| {
            conn.query_row(
                "SELECT id, role, password_hash FROM accounts WHERE phone_key = ?1",
                [phone_key],
                account_row,
            )
            .optional()?
            .transpose()
        })
    }

    fn account(&self, id: String) -> StoreFuture<'_, Option<AccountRecord>> {
        self.call(move |conn| {
            conn.query_row(
                "SELECT id, role, password_hash FROM accounts WHERE id = ?1",
                [id],
                account_row,
            )
            .optional()?
            .transpose()
        })
    }

    fn reset_password(
        &self,
        id: String,
        password_hash: String,
        now_ms: i64,
    ) -> StoreFuture<'_, bool> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let changed = tx.execute(
                "UPDATE accounts SET password_hash = ?2, password_changed_ms = ?3 WHERE id = ?1",
                params![id, password_hash, now_ms],
            )?;
            // Deleted, not marked revoked: a token presented after a reset
            // is simply unknown, not evidence of a stolen copy.
            tx.execute("DELETE FROM refresh_tokens WHERE account_id = ?1", [&id])?;
            tx.commit()?;
            Ok(changed == 1)
        })
    }
}

fn account_row(row: &Row<'_>) -> rusqlite::Result<Result<AccountRecord, StoreError>> {
    let role: String = row.get(1)?;
    Ok(match Role::parse(&role) {
        Some(role) => Ok(AccountRecord {
            id: row.get(0)?,
            role,
            password_hash: row.get(2)?,
        }),
        None => Err(StoreError::Corrupt("unknown role")),
    })
}
