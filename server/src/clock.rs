//! The server's notion of now, injectable so tests can expire codes and
//! tokens without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, as stored and compared everywhere.
pub trait Clock: Send + Sync + 'static {
    fn now_ms(&self) -> i64;
}

/// A duration in the milliseconds the clock counts in.
pub fn duration_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
}

/// A clock that moves only when told to: for tests and simulations.
#[derive(Debug)]
pub struct ManualClock {
    now_ms: AtomicI64,
}

impl ManualClock {
    /// Starts at the wall clock's now, so stored times look plausible.
    pub fn starting_now() -> Self {
        ManualClock {
            now_ms: AtomicI64::new(SystemClock.now_ms()),
        }
    }

    pub fn advance(&self, by: Duration) {
        self.now_ms.fetch_add(duration_ms(by), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.now_ms.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let clock = ManualClock::starting_now();
        let t0 = clock.now_ms();
        assert!(t0 > 1_700_000_000_000);
        assert_eq!(clock.now_ms(), t0);
        clock.advance(Duration::from_secs(61));
        assert_eq!(clock.now_ms(), t0 + 61_000);
    }
}
