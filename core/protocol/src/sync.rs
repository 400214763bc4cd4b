//! Sync: `POST /v1/sync/push` and `POST /v1/sync/pull`.
//!
//! The phone pushes its outbox in batches. Every item carries an idempotency
//! key (the random id it was created with) and is signed by the device key,
//! so a batch replayed after a lost answer is recognised item by item and
//! nothing is stored twice. Attendance items are also links of the device's
//! hash chain: the server checks each one follows the last it accepted.
//!
//! Pull brings what the server decides: sites, the signed policy, supervisors'
//! decisions (after a cursor), and a signed time token answering the phone's
//! nonce.

use serde::{Deserialize, Serialize};

use crate::TimeToken;

/// Most items one push may carry; the phone sends batches of 100.
pub const MAX_PUSH_ITEMS: usize = 500;

/// What an outbox item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    /// A check-in or make-up request: an attendance event (hash-chained).
    Attendance,
    /// A consent receipt: a decision on the privacy policy.
    Consent,
    /// An SDK-permission ledger entry.
    Ledger,
    /// A change of the worker's real-name data.
    Identity,
}

impl Stream {
    pub fn as_str(self) -> &'static str {
        match self {
            Stream::Attendance => "attendance",
            Stream::Consent => "consent",
            Stream::Ledger => "ledger",
            Stream::Identity => "identity",
        }
    }

    pub fn parse(s: &str) -> Option<Stream> {
        match s {
            "attendance" => Some(Stream::Attendance),
            "consent" => Some(Stream::Consent),
            "ledger" => Some(Stream::Ledger),
            "identity" => Some(Stream::Identity),
            _ => None,
        }
    }
}

/// One outbox item as pushed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxItem {
    /// The idempotency key: 32 lowercase hex digits, unique per device. For
    /// an attendance item it is the event's `id`.
    pub key: String,
    pub stream: Stream,
    /// The item as JSON text, exactly the bytes signed. For attendance: the
    /// signed event.
    pub payload: String,
    /// For attendance check-ins: the raw fix as JSON text, whose SHA-256 is
    /// the event's `fix_digest`. Absent once the phone's retention purged it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Ed25519 by the device key over [`OutboxItem::signed_bytes`], hex.
    pub signature: String,
}

impl OutboxItem {
    /// The bytes the device signs: the key, the stream and the payload, so an
    /// item cannot be moved to another key or stream.
    pub fn signed_bytes(key: &str, stream: Stream, payload: &str) -> Vec<u8> {
        format!("laowu-outbox-v1\n{key}\n{}\n{payload}", stream.as_str()).into_bytes()
    }
}

impl std::fmt::Debug for OutboxItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxItem")
            .field("key", &self.key)
            .field("stream", &self.stream)
            .field("payload", &crate::REDACTED)
            .finish_non_exhaustive()
    }
}

/// `POST /v1/sync/push` (bearer token bound to `device_id`) → 200 [`PushResponse`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    /// The device whose key signed every item; must belong to the account.
    pub device_id: String,
    /// 1 to [`MAX_PUSH_ITEMS`] items, in the order they were created.
    pub items: Vec<OutboxItem>,
}

/// What became of one item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Stored now.
    Accepted,
    /// Already stored by an earlier push, with the same content.
    Duplicate,
    /// Refused for good: `code` and `reason` say why; resending will not help.
    Refused,
}

/// The stable values of [`ItemResult::code`] for a refused item.
pub mod refusal_code {
    /// The signature does not verify under the device's registered key.
    pub const BAD_SIGNATURE: &str = "bad_signature";
    /// The payload is not what the stream takes.
    pub const MALFORMED: &str = "malformed";
    /// An attendance event that does not follow the last one accepted from
    /// this device (a gap, a reordering, or a fork).
    pub const OUT_OF_CHAIN: &str = "out_of_chain";
    /// The key was used before for different content.
    pub const KEY_REUSED: &str = "key_reused";
    /// An earlier item of the same attendance chain in this batch was refused.
    pub const AFTER_REFUSAL: &str = "after_refusal";
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResult {
    pub key: String,
    pub status: ItemStatus,
    /// With `refused`: one of [`refusal_code`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// With `refused`: why, for the phone to record and show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One result per pushed item, in the same order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<ItemResult>,
}

/// `POST /v1/sync/pull` (bearer) → 200 [`PullResponse`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullRequest {
    /// Decisions after this cursor (0 for all).
    #[serde(default)]
    pub since: u64,
    /// 32 hex digits, fresh per request: the time token answers it.
    pub nonce: String,
}

/// A supervisor's decision on a check-in or make-up request, signed by the
/// server so the phone can tell it came from there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Increases with each decision; the phone pulls after the highest seen.
    pub cursor: u64,
    /// The attendance event decided on.
    pub event_id: String,
    pub approved: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub decided_at_ms: i64,
    /// Ed25519 by the server key over [`Decision::signed_bytes`], hex.
    pub signature: String,
}

impl Decision {
    pub fn signed_bytes(
        event_id: &str,
        approved: bool,
        note: Option<&str>,
        decided_at_ms: i64,
    ) -> Vec<u8> {
        format!(
            "laowu-decision-v1\n{event_id}\n{approved}\n{decided_at_ms}\n{}",
            note.unwrap_or("")
        )
        .into_bytes()
    }
}

/// The privacy policy in force, as published by the operator and signed by
/// the server key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedPolicy {
    pub version: String,
    /// The policy file (TOML) exactly as signed.
    pub text: String,
    /// Ed25519 by the server key over [`SignedPolicy::signed_bytes`], hex.
    pub signature: String,
}

impl SignedPolicy {
    pub fn signed_bytes(version: &str, text: &str) -> Vec<u8> {
        format!("laowu-policy-v1\n{version}\n{text}").into_bytes()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    /// Every site the worker may check in at, each a site spec as JSON text
    /// (the phone's `site add --file` format).
    pub sites: Vec<String>,
    /// The policy in force, when the operator has published one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<SignedPolicy>,
    /// Decisions on this account's events after `since`, oldest first.
    pub decisions: Vec<Decision>,
    /// The cursor to send next time.
    pub cursor: u64,
    pub time: TimeToken,
    /// The server's Ed25519 public key, hex; the phone pins it at first sync
    /// and refuses a different one afterwards.
    pub server_key: String,
}
