//! Storage: the only code that speaks SQL.
//!
//! Handlers and account logic see repository traits whose methods are whole,
//! atomic steps of the domain ("claim one attempt at this code", "rotate this
//! refresh token") rather than tables and queries, so each backend makes
//! every step one transaction in its own dialect. [`SqliteStore`] is the
//! embedded backend; [`PostgresStore`] implements the same traits for
//! several server processes sharing one database.
//!
//! Personal values never reach this layer in clear: phone numbers arrive as
//! keyed hashes and sealed bytes, passwords as argon2id hashes, tokens as
//! SHA-256 digests.

mod accounts;
mod chain;
mod codes;
mod deletions;
mod devices;
mod error;
mod limits;
mod migrations;
mod postgres;
mod sessions;
mod sqlite;
mod supervision;
mod sync;

use std::future::Future;
use std::pin::Pin;

pub use accounts::{AccountRecord, AccountStore, NewAccount};
pub use codes::{CodeClaim, CodeStore, NewCode};
pub use deletions::DeletionStore;
pub use devices::{DeviceRecord, DeviceStore, NewDevice};
pub use error::StoreError;
pub use limits::{Admission, RateCheck, RateRule, RateStore};
pub use postgres::PostgresStore;
pub use sessions::{NewRefreshToken, Rotation, SessionStore};
pub use sqlite::SqliteStore;
pub use supervision::{Binding, NewDecision, ReviewRow, StoredDecision, SupervisionStore};
pub use sync::{
    AttendanceRow, DecisionRecord, Incoming, Ingested, ItemRow, PushBatch, SiteRecord, SyncStore,
    Upserted,
};

/// What every repository method returns: boxed so the traits stay usable as
/// `dyn Storage`, `Send` so handlers can await it on any worker thread.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Every repository of the server, as one object the application holds.
pub trait Storage:
    AccountStore
    + DeviceStore
    + CodeStore
    + SessionStore
    + RateStore
    + SyncStore
    + SupervisionStore
    + DeletionStore
    + Send
    + Sync
    + 'static
{
    /// Deletes what no request can use any more: expired codes, expired or
    /// long-revoked refresh tokens, rate events older than `keep_events_ms`.
    fn housekeeping(&self, now_ms: i64, keep_events_ms: i64) -> StoreFuture<'_, ()>;

    /// One round trip to the database: whether it answers at all.
    fn ping(&self) -> StoreFuture<'_, ()>;
}

/// The outcome of inserting a row that must be unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    Created,
    /// A row with the same unique key exists; nothing was written.
    Duplicate,
}

#[cfg(test)]
mod contract_tests;
