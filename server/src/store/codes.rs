//! One-time SMS codes, stored only as a MAC under a server key.

use laowu_protocol::CodePurpose;

use super::StoreFuture;

pub struct NewCode {
    pub id: String,
    pub phone_key: Vec<u8>,
    pub purpose: CodePurpose,
    /// HMAC over the code's id, purpose and digits; the digits are not stored.
    pub mac: Vec<u8>,
    pub expires_ms: i64,
}

/// One attempt at the live code, already counted.
#[derive(Debug, Clone)]
pub struct CodeClaim {
    pub id: String,
    pub mac: Vec<u8>,
}

pub trait CodeStore {
    /// Stores a new code for the number and purpose, replacing any earlier
    /// one: only the latest code sent is good.
    fn replace_code(&self, code: NewCode) -> StoreFuture<'_, ()>;

    /// Counts one attempt at the number's live code for the purpose and
    /// returns it, or `None` when there is none: never sent, expired, used,
    /// or out of attempts. Counting before checking means concurrent guesses
    /// cannot exceed `max_attempts` between them.
    fn claim_code_attempt(
        &self,
        phone_key: Vec<u8>,
        purpose: CodePurpose,
        now_ms: i64,
        max_attempts: u32,
    ) -> StoreFuture<'_, Option<CodeClaim>>;

    /// Marks the code used; false if it already was (a concurrent request won).
    fn consume_code(&self, id: String) -> StoreFuture<'_, bool>;
}
