//! Time a worker cannot set back: the server's signed time, carried forward
//! offline by the phone's monotonic clock.
//!
//! The wall clock of a phone is the user's to change, so a check-in's time is
//! taken from the last signed server time token plus the time elapsed since
//! boot when it arrived (`elapsedRealtime` on Android, which keeps counting
//! in deep sleep). A reboot resets that clock; the anchor is then unusable
//! until the next sync, and the check-in falls back to the device's clock,
//! marked as such.

use laowu_protocol::TimeToken;
use ring::signature::{ED25519, UnparsedPublicKey};
use serde::{Deserialize, Serialize};

use super::AttendanceError;

/// A device clock further than this from trusted time is flagged `clock_skew`.
pub const CLOCK_SKEW_LIMIT_MS: i64 = 5 * 60 * 1000;

/// The server's time at a moment of the phone's monotonic clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeAnchor {
    pub server_ms: i64,
    pub elapsed_ms: i64,
}

/// Where a check-in's time came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeSource {
    /// The server's signed time carried forward by elapsed time since boot.
    Server,
    /// The device's wall clock (no usable anchor: never synced, or rebooted).
    Device,
}

impl TimeSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeSource::Server => "server",
            TimeSource::Device => "device",
        }
    }
}

/// The best time the phone has now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustedTime {
    pub now_ms: i64,
    pub source: TimeSource,
    /// Device clock minus trusted time, when trusted time is known.
    pub skew_ms: Option<i64>,
}

impl TrustedTime {
    /// The time now, given the stored anchor, the device's wall clock and its
    /// time since boot.
    pub fn now(anchor: Option<TimeAnchor>, device_ms: i64, elapsed_ms: i64) -> Self {
        match anchor {
            // A smaller elapsed time than the anchor's means a reboot since.
            Some(a) if elapsed_ms >= a.elapsed_ms => {
                let now_ms = a.server_ms.saturating_add(elapsed_ms - a.elapsed_ms);
                TrustedTime {
                    now_ms,
                    source: TimeSource::Server,
                    skew_ms: Some(device_ms.saturating_sub(now_ms)),
                }
            }
            _ => TrustedTime {
                now_ms: device_ms,
                source: TimeSource::Device,
                skew_ms: None,
            },
        }
    }

    /// Whether the device clock is off by more than [`CLOCK_SKEW_LIMIT_MS`].
    pub fn skewed(&self) -> bool {
        self.skew_ms.is_some_and(|s| s.abs() > CLOCK_SKEW_LIMIT_MS)
    }
}

/// Checks a server time token against the pinned server key and the nonce
/// the phone sent, and makes it an anchor at `elapsed_ms` (the phone's time
/// since boot when the answer arrived). A token older than the trusted time
/// already held is refused: replaying an old token cannot turn the clock back.
pub fn anchor_from_token(
    token: &TimeToken,
    server_key: &[u8],
    expected_nonce: &str,
    elapsed_ms: i64,
    current: Option<TimeAnchor>,
) -> Result<TimeAnchor, AttendanceError> {
    if token.nonce != expected_nonce {
        return Err(AttendanceError::invalid(
            "time_token.nonce",
            "does not answer this request",
        ));
    }
    let signature = hex::decode(&token.signature)
        .map_err(|_| AttendanceError::invalid("time_token.signature", "is not hexadecimal"))?;
    UnparsedPublicKey::new(&ED25519, server_key)
        .verify(
            &TimeToken::signed_bytes(token.server_ms, &token.nonce),
            &signature,
        )
        .map_err(|_| {
            AttendanceError::invalid(
                "time_token.signature",
                "does not verify under the server's key",
            )
        })?;
    if elapsed_ms < 0 || token.server_ms <= 0 {
        return Err(AttendanceError::invalid(
            "time_token.server_ms",
            "must be a positive time",
        ));
    }
    let held = TrustedTime::now(current, 0, elapsed_ms);
    if held.source == TimeSource::Server && token.server_ms < held.now_ms - CLOCK_SKEW_LIMIT_MS {
        return Err(AttendanceError::invalid(
            "time_token.server_ms",
            "is older than the trusted time already held",
        ));
    }
    Ok(TimeAnchor {
        server_ms: token.server_ms,
        elapsed_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{Ed25519KeyPair, KeyPair};

    fn server() -> Ed25519KeyPair {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap()
    }

    fn token(key: &Ed25519KeyPair, server_ms: i64, nonce: &str) -> TimeToken {
        TimeToken {
            server_ms,
            nonce: nonce.into(),
            signature: hex::encode(
                key.sign(&TimeToken::signed_bytes(server_ms, nonce))
                    .as_ref(),
            ),
        }
    }

    #[test]
    fn a_signed_token_becomes_the_anchor() {
        let key = server();
        let public = key.public_key().as_ref();
        let t = token(&key, 1_800_000_000_000, "n1");
        let anchor = anchor_from_token(&t, public, "n1", 42, None).unwrap();
        assert_eq!(
            anchor,
            TimeAnchor {
                server_ms: 1_800_000_000_000,
                elapsed_ms: 42
            }
        );
    }

    #[test]
    fn forged_replayed_or_foreign_tokens_are_refused() {
        let key = server();
        let public = key.public_key().as_ref();
        let mut edited = token(&key, 1_800_000_000_000, "n1");
        edited.server_ms -= 3_600_000;
        let field = |r: Result<TimeAnchor, AttendanceError>| r.unwrap_err().field().to_string();
        assert_eq!(
            field(anchor_from_token(&edited, public, "n1", 0, None)),
            "time_token.signature"
        );
        let other = token(&server(), 1_800_000_000_000, "n1");
        assert_eq!(
            field(anchor_from_token(&other, public, "n1", 0, None)),
            "time_token.signature"
        );
        let t = token(&key, 1_800_000_000_000, "n1");
        assert_eq!(
            field(anchor_from_token(&t, public, "n2", 0, None)),
            "time_token.nonce"
        );
        // An old (but genuine) token cannot set trusted time back an hour.
        let held = TimeAnchor {
            server_ms: 1_800_003_600_000,
            elapsed_ms: 0,
        };
        assert_eq!(
            field(anchor_from_token(&t, public, "n1", 1_000, Some(held))),
            "time_token.server_ms"
        );
    }

    const ANCHOR: TimeAnchor = TimeAnchor {
        server_ms: 1_800_000_000_000,
        elapsed_ms: 50_000,
    };

    #[test]
    fn carried_forward_by_elapsed_time() {
        // Ten minutes later, offline, with the device clock set back a day.
        let t = TrustedTime::now(Some(ANCHOR), 1_800_000_000_000 - 86_400_000, 650_000);
        assert_eq!(t.now_ms, 1_800_000_600_000);
        assert_eq!(t.source, TimeSource::Server);
        assert_eq!(t.skew_ms, Some(-86_400_000 - 600_000));
        assert!(t.skewed());
    }

    #[test]
    fn small_skew_is_not_flagged() {
        let t = TrustedTime::now(Some(ANCHOR), 1_800_000_600_000 + 60_000, 650_000);
        assert_eq!(t.skew_ms, Some(60_000));
        assert!(!t.skewed());
        let edge = TrustedTime::now(Some(ANCHOR), ANCHOR.server_ms + CLOCK_SKEW_LIMIT_MS, 50_000);
        assert!(!edge.skewed());
        let over = TrustedTime::now(
            Some(ANCHOR),
            ANCHOR.server_ms + CLOCK_SKEW_LIMIT_MS + 1,
            50_000,
        );
        assert!(over.skewed());
    }

    #[test]
    fn a_reboot_or_no_anchor_falls_back_to_the_device() {
        for anchor in [None, Some(ANCHOR)] {
            let t = TrustedTime::now(anchor, 1_700_000_000_000, 10_000);
            assert_eq!(t.now_ms, 1_700_000_000_000);
            assert_eq!(t.source, TimeSource::Device);
            assert!(!t.skewed());
        }
    }
}
