//! The facade's error: one of the rooms' errors.

use crate::consent::ConsentError;
use crate::ledger::{InvalidInput, LedgerError};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Consent(#[from] ConsentError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// An argument was refused; `field` names it.
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: &'static str, reason: String },
    /// The stored consent decision could not be read back.
    #[error("the stored consent decision is unreadable")]
    CorruptDecision,
}

impl From<InvalidInput> for AppError {
    fn from(e: InvalidInput) -> Self {
        AppError::InvalidInput {
            field: e.field,
            reason: e.reason,
        }
    }
}
