//! The store's errors. None carries a stored value: only what failed.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the database's schema version {found} is newer than this server knows ({known}): \
         run a newer laowu-server, or restore a backup made by this version"
    )]
    NewerSchema { found: i64, known: i64 },
    #[error("the database file belongs to another application (application_id {0:#x})")]
    ForeignDatabase(i64),
    #[error("stored data is not what this server wrote: {0}")]
    Corrupt(&'static str),
    #[error("the store has shut down")]
    Closed,
    #[error("a store operation panicked")]
    Panicked,
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}
