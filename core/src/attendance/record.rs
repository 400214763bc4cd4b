//! Attendance records: check-ins and make-up requests as events, each signed
//! with the device key and chained to the one before, so that nobody (the
//! worker, a thief of the phone, a careless server) can forge, alter or drop
//! one without the chain saying so.
//!
//! The raw fix (coordinates, WiFi scan) is not in the event: it is a separate
//! sealed [`FixDetail`] the event commits to by digest. When the location
//! retention period ends, the detail is deleted and the event, its chain and
//! its signature stay valid, showing only the verdict and a distance band.

use ring::digest::{SHA256, digest};
use ring::signature::{ED25519, UnparsedPublicKey};
use serde::{Deserialize, Serialize};

use super::clock::TimeSource;
use super::evaluate::{Anomaly, Punch, Timing, Verdict};
use super::fence::FenceState;
use super::wifi::Observation;
use jiff::civil::Date;

const EVENT_VERSION: u32 = 1;
const HASH_DOMAIN: &[u8] = b"laowu-attendance-event-v1\0";
/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A check-in as recorded: no coordinates, only what the evaluation found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckInBody {
    pub site_id: String,
    /// Trusted time of the check-in (see `time_source`).
    pub at_ms: i64,
    pub time_source: TimeSource,
    pub device_time_ms: i64,
    pub punch: Option<Punch>,
    pub shift_date: Option<Date>,
    pub verdict: Verdict,
    pub timing: Timing,
    /// `inside`, `uncertain` or `outside`.
    pub inside: String,
    /// Metres to the site, rounded to the metre.
    pub distance_m: u32,
    pub distance_band: String,
    pub wifi_matched: bool,
    pub anomalies: Vec<Anomaly>,
    /// The worker's reason for a field check-in.
    pub reason: Option<String>,
    pub needs_review: bool,
    /// SHA-256 of the sealed [`FixDetail`], hex.
    pub fix_digest: String,
}

/// A make-up request (补卡) for a missed clock-in or clock-out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MakeupBody {
    pub site_id: String,
    pub date: Date,
    pub punch: Punch,
    pub reason: String,
    pub filed_at_ms: i64,
}

/// What an event records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventBody {
    CheckIn(CheckInBody),
    Makeup(MakeupBody),
}

/// The signed part of an event.
#[derive(Serialize)]
struct Signed<'a> {
    v: u32,
    id: &'a str,
    seq: u64,
    prev_hash: &'a str,
    device_key: &'a str,
    body: &'a EventBody,
}

/// A signed, chained attendance event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub v: u32,
    /// Random 128-bit id, hex: the idempotency key when the event is synced.
    pub id: String,
    /// 1, 2, 3, ... with no gaps.
    pub seq: u64,
    pub prev_hash: String,
    /// The device's Ed25519 public key, hex.
    pub device_key: String,
    pub body: EventBody,
    /// SHA-256 over the signed part, hex.
    pub hash: String,
    /// Ed25519 over the hash, hex.
    pub signature: String,
}

/// The newest event's position, kept sealed beside the chain so that dropping
/// the last events is noticed too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    pub seq: u64,
    #[serde(with = "hex_32")]
    pub hash: [u8; 32],
}

impl Event {
    /// Builds and signs the event after `head` (the genesis when `None`).
    pub fn seal(
        id: String,
        head: Option<ChainHead>,
        device_key: String,
        body: EventBody,
        sign: impl FnOnce(&[u8]) -> String,
    ) -> Self {
        let (seq, prev_hash) = match head {
            Some(h) => (h.seq + 1, hex::encode(h.hash)),
            None => (1, GENESIS_HASH.to_string()),
        };
        let hash = hash_of(&Signed {
            v: EVENT_VERSION,
            id: &id,
            seq,
            prev_hash: &prev_hash,
            device_key: &device_key,
            body: &body,
        });
        Event {
            v: EVENT_VERSION,
            id,
            seq,
            prev_hash,
            device_key,
            body,
            signature: sign(&hash),
            hash: hex::encode(hash),
        }
    }

    /// The head after this event.
    pub fn head(&self) -> Option<ChainHead> {
        let mut hash = [0u8; 32];
        hex::decode_to_slice(&self.hash, &mut hash).ok()?;
        Some(ChainHead {
            seq: self.seq,
            hash,
        })
    }

    /// Checks the event on its own: version, hash, signature.
    pub fn verify(&self) -> Result<(), &'static str> {
        if self.v != EVENT_VERSION {
            return Err("an event has an unknown version");
        }
        let hash = hash_of(&Signed {
            v: self.v,
            id: &self.id,
            seq: self.seq,
            prev_hash: &self.prev_hash,
            device_key: &self.device_key,
            body: &self.body,
        });
        if hex::encode(hash) != self.hash {
            return Err("an event's content does not match its hash");
        }
        let key = hex::decode(&self.device_key).map_err(|_| "an event's key is malformed")?;
        let signature =
            hex::decode(&self.signature).map_err(|_| "an event's signature is malformed")?;
        UnparsedPublicKey::new(&ED25519, key)
            .verify(&hash, &signature)
            .map_err(|_| "an event's signature does not verify")
    }
}

fn hash_of(signed: &Signed<'_>) -> [u8; 32] {
    let mut bytes = HASH_DOMAIN.to_vec();
    serde_json::to_writer(&mut bytes, signed).expect("an event always serialises");
    digest(&SHA256, &bytes)
        .as_ref()
        .try_into()
        .expect("SHA-256 is 32 bytes")
}

/// The outcome of verifying the whole chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    pub events: u64,
    /// The first problem found, or `None` when every event verifies, each
    /// links to the one before, and the last is the sealed head.
    pub problem: Option<String>,
}

/// Verifies events (in stored order) against the sealed head.
pub fn verify_chain(events: &[Event], head: Option<ChainHead>) -> ChainReport {
    let report = |problem: Option<String>| ChainReport {
        events: events.len() as u64,
        problem,
    };
    let mut expected_prev = GENESIS_HASH.to_string();
    for (i, event) in events.iter().enumerate() {
        if event.seq != i as u64 + 1 {
            return report(Some(format!(
                "event {} is missing or out of order",
                i as u64 + 1
            )));
        }
        if let Err(problem) = event.verify() {
            return report(Some(format!("{problem} (event {})", event.seq)));
        }
        if event.prev_hash != expected_prev {
            return report(Some(format!(
                "event {} does not link to the event before it",
                event.seq
            )));
        }
        if i > 0 && event.device_key != events[0].device_key {
            return report(Some(format!(
                "event {} is signed by another device",
                event.seq
            )));
        }
        expected_prev.clone_from(&event.hash);
    }
    let last = events.last().and_then(Event::head);
    if last != head {
        return report(Some(
            "the newest events are missing (the chain ends before its sealed head)".into(),
        ));
    }
    report(None)
}

/// The raw evidence behind a check-in, sealed separately and deleted when the
/// location retention period ends.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixDetail {
    /// Random, so the digest in the event cannot be matched against guessed
    /// coordinates once the detail is gone.
    pub nonce: String,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    pub datum: super::datum::Datum,
    pub provider: super::reading::Provider,
    pub device_time_ms: i64,
    pub elapsed_ms: i64,
    pub mock: bool,
    pub speed_mps: Option<f64>,
    pub wifi: Vec<Observation>,
}

impl std::fmt::Debug for FixDetail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FixDetail(<redacted>)")
    }
}

impl FixDetail {
    /// The bytes stored, and their SHA-256 (hex) for the event.
    pub fn encode(&self) -> (Vec<u8>, String) {
        let bytes = serde_json::to_vec(self).expect("a fix detail always serialises");
        let digest = Self::digest_of(&bytes);
        (bytes, digest)
    }

    /// The digest an event holds for stored detail bytes.
    pub fn digest_of(bytes: &[u8]) -> String {
        hex::encode(digest(&SHA256, bytes))
    }
}

/// The distance band kept after the raw fix is deleted.
pub fn distance_band(distance_m: f64) -> &'static str {
    match distance_m {
        d if d < 100.0 => "0-100m",
        d if d < 300.0 => "100-300m",
        d if d < 1000.0 => "300-1000m",
        d if d < 3000.0 => "1-3km",
        _ => "3km+",
    }
}

/// `inside`, `uncertain` or `outside`.
pub fn fence_state_str(state: FenceState) -> &'static str {
    match state {
        FenceState::Inside => "inside",
        FenceState::Uncertain => "uncertain",
        FenceState::Outside => "outside",
    }
}

mod hex_32 {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(d)?;
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out).map_err(D::Error::custom)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{Ed25519KeyPair, KeyPair};

    fn key() -> Ed25519KeyPair {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap()
    }

    fn makeup(reason: &str) -> EventBody {
        EventBody::Makeup(MakeupBody {
            site_id: "gy-1".into(),
            date: jiff::civil::date(2026, 11, 20),
            punch: Punch::In,
            reason: reason.into(),
            filed_at_ms: 1_790_000_000_000,
        })
    }

    fn chain(pair: &Ed25519KeyPair, n: usize) -> (Vec<Event>, Option<ChainHead>) {
        let public = hex::encode(pair.public_key().as_ref());
        let mut events: Vec<Event> = Vec::new();
        let mut head = None;
        for i in 0..n {
            let e = Event::seal(
                format!("{i:032x}"),
                head,
                public.clone(),
                makeup(&format!("reason {i}")),
                |m| hex::encode(pair.sign(m).as_ref()),
            );
            head = e.head();
            events.push(e);
        }
        (events, head)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let (events, head) = chain(&key(), 5);
        assert_eq!(events[0].prev_hash, GENESIS_HASH);
        assert_eq!(verify_chain(&events, head).problem, None);
        assert_eq!(verify_chain(&[], None).problem, None);
    }

    #[test]
    fn every_kind_of_tampering_is_found() {
        let pair = key();
        let (events, head) = chain(&pair, 5);

        let mut edited = events.clone();
        if let EventBody::Makeup(m) = &mut edited[2].body {
            m.reason = "changed".into();
        }
        assert!(
            verify_chain(&edited, head)
                .problem
                .unwrap()
                .contains("hash")
        );

        let mut dropped = events.clone();
        dropped.remove(2);
        assert!(verify_chain(&dropped, head).problem.is_some());

        let truncated = &events[..4];
        assert!(
            verify_chain(truncated, head)
                .problem
                .unwrap()
                .contains("newest")
        );

        // Re-hashed by someone without the key: the signature fails.
        let mut forged = events.clone();
        let other = key();
        forged[4] = Event::seal(
            forged[4].id.clone(),
            forged[3].head(),
            forged[4].device_key.clone(),
            makeup("forged"),
            |m| hex::encode(other.sign(m).as_ref()),
        );
        let problem = verify_chain(&forged, forged[4].head()).problem.unwrap();
        assert!(problem.contains("signature"), "{problem}");

        let mut reordered = events.clone();
        reordered.swap(1, 2);
        assert!(verify_chain(&reordered, head).problem.is_some());
    }

    #[test]
    fn events_round_trip_through_json() {
        let (events, _) = chain(&key(), 1);
        let json = serde_json::to_string(&events[0]).unwrap();
        let back: Event = serde_json::from_str(&json).unwrap();
        assert_eq!(back, events[0]);
        back.verify().unwrap();
    }

    #[test]
    fn bands() {
        assert_eq!(distance_band(0.0), "0-100m");
        assert_eq!(distance_band(100.0), "100-300m");
        assert_eq!(distance_band(2999.0), "1-3km");
        assert_eq!(distance_band(50_000.0), "3km+");
    }
}
