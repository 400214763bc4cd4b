//! laowu-protocol: the serde wire types shared by the phone's core and the
//! server. No logic and no dependencies beyond serde, so both sides agree on
//! the bytes by construction.
//!
//! Request types refuse unknown fields (a typo is an error, not a silently
//! ignored value); response types accept them, so a newer server can add
//! fields without breaking older phones.

mod accounts;
mod deletion;
mod error;
mod supervision;
mod sync;

pub use accounts::{
    CodePurpose, CodeRequest, DeviceInfo, LoginRequest, Me, Platform, RefreshRequest,
    RegisterDeviceRequest, RegisterDeviceResponse, RegisterRequest, RegisterResponse,
    ResetPasswordRequest, Role, TokenPair,
};
pub use deletion::{DeletionCertificate, DeletionReceipt, DeletionStatus, DeletionSubmission};
pub use error::{ErrorBody, error_code};
pub use supervision::{DayEntry, DayView, DecisionRequest, DecisionResponse, ReviewState};
pub use sync::{
    Decision, ItemResult, ItemStatus, MAX_PUSH_ITEMS, OutboxItem, PullRequest, PullResponse,
    PushRequest, PushResponse, SignedPolicy, Stream, refusal_code,
};

use serde::{Deserialize, Serialize};

/// The wire protocol's version; a server refuses clients from a newer major.
pub const PROTOCOL_VERSION: u32 = 1;

/// `GET /v1/health`: the server is up and which protocol it speaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub protocol: u32,
}

/// The server's signed statement of its time, pulled at each sync: phones
/// carry it forward offline by their time since boot (trusted time).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeToken {
    /// The server's time, ms since the epoch.
    pub server_ms: i64,
    /// The phone's random nonce from the request, hex, so a token cannot be
    /// replayed to another request.
    pub nonce: String,
    /// Ed25519 over [`TimeToken::signed_bytes`], hex.
    pub signature: String,
}

impl TimeToken {
    /// The bytes the server signs.
    pub fn signed_bytes(server_ms: i64, nonce: &str) -> Vec<u8> {
        format!("laowu-time-v1\n{server_ms}\n{nonce}").into_bytes()
    }
}

/// What `Debug` prints in place of a secret or a personal value, so a request
/// logged by mistake leaks nothing.
const REDACTED: &str = "<redacted>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_wire_shape() {
        let h = Health {
            status: "ok".into(),
            protocol: PROTOCOL_VERSION,
        };
        let json = serde_json::to_value(&h).unwrap();
        assert_eq!(json, serde_json::json!({"status": "ok", "protocol": 1}));
        assert_eq!(serde_json::from_value::<Health>(json).unwrap(), h);
    }
}
