//! Accounts: who may log in, with which password hash and role.

use laowu_protocol::Role;

use super::{Inserted, StoreFuture};

/// An account as registration creates it. The phone number is only a keyed
/// hash (for lookup) and sealed bytes; the name, if given, only sealed.
pub struct NewAccount {
    pub id: String,
    pub phone_key: Vec<u8>,
    pub phone_sealed: Vec<u8>,
    pub name_sealed: Option<Vec<u8>>,
    /// An argon2id PHC string.
    pub password_hash: String,
    pub role: Role,
    pub created_ms: i64,
}

/// What login and token issuance need of an account.
#[derive(Debug, Clone)]
pub struct AccountRecord {
    pub id: String,
    pub role: Role,
    pub password_hash: String,
}

pub trait AccountStore {
    /// [`Inserted::Duplicate`] when the phone number already has an account.
    fn insert_account(&self, account: NewAccount) -> StoreFuture<'_, Inserted>;

    fn account_by_phone(&self, phone_key: Vec<u8>) -> StoreFuture<'_, Option<AccountRecord>>;

    fn account(&self, id: String) -> StoreFuture<'_, Option<AccountRecord>>;

    /// Sets a new password hash and, in the same transaction, deletes every
    /// refresh token of the account: a reset ends all sessions. False when
    /// the account does not exist.
    fn reset_password(
        &self,
        id: String,
        password_hash: String,
        now_ms: i64,
    ) -> StoreFuture<'_, bool>;
}
