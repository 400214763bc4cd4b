//! The facade's error: one of the rooms' errors.

use crate::consent::ConsentError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Consent(#[from] ConsentError),
    /// The stored consent decision could not be read back.
    #[error("the stored consent decision is unreadable")]
    CorruptDecision,
}
