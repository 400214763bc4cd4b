//! The sync room: the only code that speaks HTTP. It holds the link to the
//! server (its address, the session tokens, the pinned server key), the
//! HTTP client, and the backoff between retries. What is pushed and what a
//! pull changes is decided by the app facade (`app::sync`).

mod backoff;
mod error;
mod http;
mod link;

pub use backoff::Backoff;
pub use error::SyncError;
pub use http::{Api, install_tls_provider};
pub use link::{Auth, Link};

/// How a sync runs: batch size and how hard to retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncOptions {
    /// Items per push (the server takes up to 500).
    pub batch_size: usize,
    /// Tries of one request before the sync gives up (and leaves the rest
    /// in the outbox for next time).
    pub max_attempts: u32,
    /// The first retry waits up to this long; each further one up to twice as
    /// long, capped at `max_delay_ms`. Full jitter spreads phones apart.
    pub base_delay_ms: u64,
    pub max_delay_ms: u64,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            batch_size: 100,
            max_attempts: 8,
            base_delay_ms: 250,
            max_delay_ms: 15_000,
        }
    }
}
