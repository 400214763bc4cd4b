//! laowu-protocol: the serde wire types shared by the phone's core and the
//! server. No logic and no dependencies beyond serde, so both sides agree on
//! the bytes by construction.

use serde::{Deserialize, Serialize};

/// The wire protocol's version; a server refuses clients from a newer major.
pub const PROTOCOL_VERSION: u32 = 1;

/// `GET /v1/health`: the server is up and which protocol it speaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub protocol: u32,
}

/// Every error response body: a stable code, the field at fault if one is,
/// and a message without personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub field: Option<String>,
    pub message: String,
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
