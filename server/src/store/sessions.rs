//! Sessions: refresh tokens, stored as SHA-256 digests, in rotation families.

use laowu_protocol::Role;

use super::StoreFuture;

pub struct NewRefreshToken {
    pub token_hash: Vec<u8>,
    /// Every token rotated from one login shares its family.
    pub family_id: String,
    pub account_id: String,
    pub device_id: Option<String>,
    pub issued_ms: i64,
    pub expires_ms: i64,
}

/// The outcome of presenting a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The token was live: it is now revoked and its replacement stored.
    Rotated {
        account_id: String,
        role: Role,
        device_id: Option<String>,
    },
    /// The token had already been rotated or revoked: someone holds a copy,
    /// so the whole family is now revoked.
    Reused,
    /// Unknown or expired.
    Invalid,
}

pub trait SessionStore {
    fn insert_refresh_token(&self, token: NewRefreshToken) -> StoreFuture<'_, ()>;

    /// Atomically: if `presented_hash` is live, revoke it and store
    /// `replacement_hash` in its family (same account and device, expiring
    /// at `replacement_expires_ms`).
    fn rotate_refresh_token(
        &self,
        presented_hash: Vec<u8>,
        replacement_hash: Vec<u8>,
        now_ms: i64,
        replacement_expires_ms: i64,
    ) -> StoreFuture<'_, Rotation>;
}
