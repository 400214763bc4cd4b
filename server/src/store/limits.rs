//! Rate limits as sliding windows of events kept in the database, so every
//! server process sharing the database shares the budgets.

use std::time::Duration;

use super::StoreFuture;

/// At most `max` events in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateRule {
    pub max: u32,
    pub window: Duration,
}

impl RateRule {
    pub const fn new(max: u32, window: Duration) -> Self {
        RateRule { max, window }
    }

    pub fn window_ms(&self) -> i64 {
        i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX)
    }
}

/// The rules one key is held to. Keys are opaque to the store; callers build
/// them from keyed hashes, never from a phone number or address in clear.
#[derive(Debug, Clone)]
pub struct RateCheck {
    pub key: String,
    pub rules: Vec<RateRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Admitted,
    /// Some rule is full; it frees up after this long.
    Refused {
        retry_after_ms: i64,
    },
}

pub trait RateStore {
    /// Admits a request when every check is within all its rules, counting
    /// it under every key in the same transaction; refuses it otherwise,
    /// counting nothing (so waiting out the window works).
    fn admit(&self, checks: Vec<RateCheck>, now_ms: i64) -> StoreFuture<'_, Admission>;

    /// Takes back one event recorded under each key at `at_ms` (a login
    /// attempt, counted before the password was checked, that succeeded).
    fn forget_rate_event(&self, keys: Vec<String>, at_ms: i64) -> StoreFuture<'_, ()>;
}
