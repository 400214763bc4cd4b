//! The one error the shells see. Each variant is something a shell can act on;
//! no message carries personal data.

use laowu_core::app::AppError;
use laowu_core::consent::ConsentError;
use laowu_core::ledger::LedgerError;
use laowu_core::store::StoreError;

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum LaowuError {
    /// An argument was refused; `field` names it and `reason` says why.
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },
    /// The consent gate refused: the user has not agreed to `purpose`.
    #[error("consent required for {purpose}")]
    ConsentRequired { purpose: String },
    /// The key store returned a key that does not open this store.
    #[error("wrong key for {category}")]
    WrongKey { category: String },
    /// The key store could not produce the key.
    #[error("key unavailable for {category}: {reason}")]
    KeyUnavailable { category: String, reason: String },
    /// The store file is damaged, or a stored value failed authentication.
    #[error("store corrupt: {reason}")]
    StoreCorrupt { reason: String },
    /// The file is not a laowu store, or was written by a newer app.
    #[error("not a usable laowu store: {reason}")]
    ForeignStore { reason: String },
    /// The disk, or the store's size limit, is full.
    #[error("storage full")]
    StorageFull,
    /// The store's directory or file cannot be created, opened or written.
    #[error("store unavailable: {reason}")]
    StoreIo { reason: String },
    /// The thing asked for does not exist.
    #[error("not found: {what}")]
    NotFound { what: String },
    /// No network, or the server could not be reached.
    #[error("offline: {reason}")]
    Offline { reason: String },
    /// The server answered with an error.
    #[error("server error {status}: {reason}")]
    Server { status: u16, reason: String },
    /// A bug: something that should not happen did.
    #[error("internal error: {reason}")]
    Internal { reason: String },
}

impl From<StoreError> for LaowuError {
    fn from(e: StoreError) -> Self {
        let reason = e.to_string();
        match e {
            StoreError::WrongKey { category } => LaowuError::WrongKey {
                category: category.to_string(),
            },
            StoreError::KeyUnavailable { category, reason } => LaowuError::KeyUnavailable {
                category: category.to_string(),
                reason,
            },
            StoreError::Corrupt { .. } | StoreError::Tampered { .. } => {
                LaowuError::StoreCorrupt { reason }
            }
            StoreError::Foreign | StoreError::TooNew { .. } => LaowuError::ForeignStore { reason },
            StoreError::NotInitialised => LaowuError::NotFound {
                what: "store".into(),
            },
            StoreError::Full => LaowuError::StorageFull,
            StoreError::Io { .. } => LaowuError::StoreIo { reason },
            StoreError::InvalidInput { field, reason } => LaowuError::InvalidInput {
                field: field.into(),
                reason,
            },
            StoreError::Sqlite(_) => LaowuError::Internal { reason },
        }
    }
}

impl From<ConsentError> for LaowuError {
    fn from(e: ConsentError) -> Self {
        let reason = e.to_string();
        match e {
            ConsentError::ConsentRequired { purpose } => LaowuError::ConsentRequired { purpose },
            ConsentError::UnknownPurpose { .. }
            | ConsentError::EssentialWithdrawal { .. }
            | ConsentError::PartialEssentials { .. } => LaowuError::InvalidInput {
                field: "purpose".into(),
                reason,
            },
        }
    }
}

impl From<AppError> for LaowuError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Store(e) => e.into(),
            AppError::Consent(e) => e.into(),
            AppError::InvalidInput { field, reason } => LaowuError::InvalidInput {
                field: field.into(),
                reason,
            },
            AppError::Ledger(LedgerError::Store(e)) => e.into(),
            AppError::Ledger(e) => LaowuError::StoreCorrupt {
                reason: e.to_string(),
            },
            AppError::CorruptDecision => LaowuError::StoreCorrupt {
                reason: e.to_string(),
            },
            AppError::Attendance(e) => LaowuError::InvalidInput {
                field: e.field().into(),
                reason: e.reason().into(),
            },
            AppError::Identity(e) => LaowuError::InvalidInput {
                field: e.field().into(),
                reason: e.reason().into(),
            },
            AppError::NotFound { what, field } => LaowuError::InvalidInput {
                field: field.into(),
                reason: format!("no {what} with this {field}"),
            },
        }
    }
}
