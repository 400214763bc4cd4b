//! Exponential backoff with full jitter: the n-th retry waits a random time
//! between 0 and min(cap, base × 2ⁿ), so phones that lost the server at the
//! same moment do not come back at the same moment.

use std::time::Duration;

use ring::rand::{SecureRandom, SystemRandom};

#[derive(Debug)]
pub struct Backoff {
    base_ms: u64,
    cap_ms: u64,
    retries: u32,
    rng: SystemRandom,
}

impl Backoff {
    pub fn new(base_ms: u64, cap_ms: u64) -> Self {
        Backoff {
            base_ms: base_ms.max(1),
            cap_ms: cap_ms.max(base_ms.max(1)),
            retries: 0,
            rng: SystemRandom::new(),
        }
    }

    /// The ceiling of the next wait, before jitter.
    pub fn ceiling_ms(&self) -> u64 {
        let factor = 1u64.checked_shl(self.retries.min(32)).unwrap_or(u64::MAX);
        self.base_ms.saturating_mul(factor).min(self.cap_ms)
    }

    /// The next wait; never shorter than what the server asked for.
    pub fn next_delay(&mut self, retry_after_s: Option<u64>) -> Duration {
        let ceiling = self.ceiling_ms();
        self.retries = self.retries.saturating_add(1);
        let mut bytes = [0u8; 8];
        let jitter = match self.rng.fill(&mut bytes) {
            Ok(()) => u64::from_le_bytes(bytes) % (ceiling + 1),
            Err(_) => ceiling / 2,
        };
        let floor = retry_after_s
            .unwrap_or(0)
            .saturating_mul(1000)
            .min(self.cap_ms);
        Duration::from_millis(jitter.max(floor))
    }

    /// After a success: the next failure starts from the base again.
    pub fn reset(&mut self) {
        self.retries = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let mut b = Backoff::new(100, 1000);
        let ceilings: Vec<u64> = (0..6)
            .map(|_| {
                let c = b.ceiling_ms();
                let d = b.next_delay(None).as_millis() as u64;
                assert!(d <= c, "delay {d} above ceiling {c}");
                c
            })
            .collect();
        assert_eq!(ceilings, vec![100, 200, 400, 800, 1000, 1000]);
        b.reset();
        assert_eq!(b.ceiling_ms(), 100);
    }

    #[test]
    fn jitter_spreads_delays() {
        let mut distinct = std::collections::BTreeSet::new();
        for _ in 0..50 {
            let mut b = Backoff::new(1000, 10_000);
            distinct.insert(b.next_delay(None).as_millis());
        }
        assert!(
            distinct.len() > 10,
            "only {} distinct delays",
            distinct.len()
        );
    }

    #[test]
    fn retry_after_is_a_floor() {
        let mut b = Backoff::new(10, 60_000);
        assert!(b.next_delay(Some(3)) >= Duration::from_secs(3));
    }
}
