//! The facade's error: one of the rooms' errors.

use crate::attendance::AttendanceError;
use crate::consent::ConsentError;
use crate::identity::IdentityError;
use crate::ledger::{InvalidInput, LedgerError};
use crate::store::StoreError;
use crate::sync::SyncError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Consent(#[from] ConsentError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A check-in, site or make-up input was refused; the error names the field.
    #[error(transparent)]
    Attendance(#[from] AttendanceError),
    /// A real-name or account input was refused; the error names the field.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// No such thing (a site, a record) exists.
    #[error("no {what} with this {field}")]
    NotFound {
        what: &'static str,
        field: &'static str,
    },
    /// An argument was refused; `field` names it.
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: &'static str, reason: String },
    /// Talking to the server failed, or it refused the request.
    #[error(transparent)]
    Sync(#[from] SyncError),
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
