//! The store's errors. None carries a stored value: messages name fields,
//! categories and reasons, never personal data.

use rusqlite::ErrorCode;

use super::DataCategory;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The vault opened a key that does not match this store's canary, or refused it.
    #[error("the {category} key does not open this store (wrong key)")]
    WrongKey { category: DataCategory },
    /// The vault could not produce the key at all.
    #[error("the {category} key is unavailable: {reason}")]
    KeyUnavailable {
        category: DataCategory,
        reason: String,
    },
    /// The database file is damaged or not a database.
    #[error("the store is corrupt: {reason}")]
    Corrupt { reason: String },
    /// The file is an SQLite database that laowu did not create.
    #[error("the file is not a laowu store")]
    Foreign,
    /// The store was written by a newer version of the app.
    #[error("the store has schema version {found}, newer than the {supported} this build supports")]
    TooNew { found: u32, supported: u32 },
    /// No store has been created in this directory.
    #[error("no store exists here yet")]
    NotInitialised,
    /// The disk (or the database's size limit) is full.
    #[error("the storage is full")]
    Full,
    /// The directory or file cannot be created, opened or written.
    #[error("the store cannot be accessed: {reason}")]
    Io { reason: String },
    /// An argument was refused before anything was written.
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: &'static str, reason: String },
    /// A stored value failed to open: tampered, or moved between rows or columns.
    #[error("a sealed value in {table}.{column} failed authentication")]
    Tampered {
        table: &'static str,
        column: &'static str,
    },
    /// Any other SQLite failure (messages carry SQL, never bound values).
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
                reason: "database disk image is malformed".into(),
            },
            Some(ErrorCode::NotADatabase) => StoreError::Corrupt {
                reason: "file is not a database".into(),
            },
            Some(ErrorCode::DiskFull) => StoreError::Full,
            Some(
                code @ (ErrorCode::CannotOpen
                | ErrorCode::ReadOnly
                | ErrorCode::PermissionDenied
                | ErrorCode::SystemIoFailure),
            ) => StoreError::Io {
                reason: format!("{code:?}"),
            },
            _ => StoreError::Sqlite(e),
        }
    }
}
