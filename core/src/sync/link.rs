//! The phone's link to its server: where it is, the session, the key it
//! pinned at first contact, and how far pulls and the ledger have got. Kept
//! sealed in the store (tokens are secrets).

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Auth {
    pub account_id: String,
    /// `worker`, `supervisor` or `admin`.
    pub role: String,
    pub device_id: Option<String>,
    pub access_token: String,
    /// When the access token stops working (phone clock, with a margin).
    pub access_expires_ms: i64,
    pub refresh_token: String,
}

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The server's base URL, `http(s)://host[:port]`.
    pub server: String,
    #[serde(default)]
    pub auth: Option<Auth>,
    /// The server's Ed25519 key (hex), pinned at the first pull.
    #[serde(default)]
    pub server_key: Option<String>,
    /// Decisions pulled up to here.
    #[serde(default)]
    pub decision_cursor: u64,
    /// Ledger entries pushed up to this seq.
    #[serde(default)]
    pub ledger_cursor: u64,
    /// The newest policy version the server offered.
    #[serde(default)]
    pub offered_policy: Option<String>,
}

impl fmt::Debug for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Link")
            .field("server", &self.server)
            .field("signed_in", &self.auth.is_some())
            .field("decision_cursor", &self.decision_cursor)
            .field("ledger_cursor", &self.ledger_cursor)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Auth(<secret>)")
    }
}
