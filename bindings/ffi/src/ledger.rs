//! The SDK-permission ledger and SDK start-up, as the shells see them.

use laowu_core::ledger::{LedgerRecord, Outcome};

use crate::DataCategory;

/// One access, for the privacy centre's "who accessed my data" list.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LedgerRow {
    pub seq: u64,
    /// SHA-256 of the entry and its link, hex.
    pub hash: String,
    /// `sdk:<id>` or `capability:<name>`.
    pub accessor: String,
    pub category: DataCategory,
    pub purpose: String,
    pub policy_version: String,
    pub at_ms: i64,
    pub allowed: bool,
    pub detail: Option<String>,
}

impl From<LedgerRecord> for LedgerRow {
    fn from(r: LedgerRecord) -> Self {
        let e = &r.entry;
        Self {
            seq: r.seq.get(),
            hash: r.hash.to_hex(),
            accessor: e.accessor().as_str().to_string(),
            category: e.category().into(),
            purpose: e.purpose().to_string(),
            policy_version: e.policy_version().to_string(),
            at_ms: e.at_ms(),
            allowed: e.outcome() == Outcome::Allowed,
            detail: e.detail().map(str::to_string),
        }
    }
}

/// The result of checking every seal and link.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LedgerCheck {
    pub count: u64,
    pub head_hash: String,
}

/// Whether an SDK may initialise, and the ledger entry that records the answer.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SdkStart {
    pub allowed: bool,
    pub purpose: String,
    pub ledger_seq: u64,
}
