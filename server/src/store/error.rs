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
    #[error(
        "the database URL is not one PostgreSQL takes (postgres://user:password@host:port/database)"
    )]
    BadUrl,
    #[error(
        "the PostgreSQL database holds tables laowu-server did not make: give the server a database of its own"
    )]
    ForeignSchema,
    /// PostgreSQL refused the connection, went away, is restarting, or
    /// rolled the step back to break a conflict: the request may be retried.
    #[error("the database cannot be reached: {0}")]
    Unreachable(String),
    /// SQLSTATE and PostgreSQL's primary message (which names constraints,
    /// never values).
    #[error("database error {code}: {message}")]
    Postgres { code: String, message: String },
}
