//! Consent receipts, in the shape of ISO/IEC TS 27560 and the Kantara consent
//! receipt: who decided what about which policy version, when and how, signed
//! by the device key so the server (and a regulator) can check it later.

use serde::{Deserialize, Serialize};

use super::Policy;
use super::decision::Decision;

/// The receipt format's version.
pub const RECEIPT_VERSION: &str = "laowu-consent-receipt/1";

/// What the user did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentEvent {
    /// A decision on the purposes to decide (first run or a new version).
    Decide,
    /// A withdrawal of one purpose.
    Withdraw,
}

/// How the decision was collected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionMethod {
    /// `app` for the phone's screens, `cli` for the simulated phone.
    pub channel: String,
    /// Explicit affirmative action, per purpose (never pre-ticked).
    pub action: String,
}

/// One purpose's state in the receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPurpose {
    pub id: String,
    pub granted: bool,
    pub essential: bool,
    pub sensitive: bool,
    pub categories: Vec<String>,
    pub sdks: Vec<String>,
    pub retention_days: u32,
}

/// The signed body of a receipt. Its serde_json bytes are what is signed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptBody {
    pub version: String,
    pub receipt_id: String,
    pub at_ms: i64,
    pub event: ConsentEvent,
    pub collection: CollectionMethod,
    /// The data principal, by the device's public key (hex): no personal data.
    pub principal: String,
    pub policy_id: String,
    pub policy_version: String,
    pub policy_hash: String,
    pub language: String,
    pub purposes: Vec<ReceiptPurpose>,
}

impl ReceiptBody {
    pub fn new(
        receipt_id: String,
        event: ConsentEvent,
        channel: &str,
        principal: String,
        policy: &Policy,
        decision: &Decision,
    ) -> Self {
        Self {
            version: RECEIPT_VERSION.to_string(),
            receipt_id,
            at_ms: decision.at_ms,
            event,
            collection: CollectionMethod {
                channel: channel.to_string(),
                action: "explicit per-purpose choice".to_string(),
            },
            principal,
            policy_id: policy.id.clone(),
            policy_version: policy.version.clone(),
            policy_hash: policy.hash().to_string(),
            language: policy.language.clone(),
            purposes: decision
                .purposes
                .iter()
                .map(|(id, d)| ReceiptPurpose {
                    id: id.clone(),
                    granted: d.granted,
                    essential: d.terms.essential,
                    sensitive: d.terms.sensitive,
                    categories: d.terms.categories.clone(),
                    sdks: d.terms.sdks.clone(),
                    retention_days: d.terms.retention_days,
                })
                .collect(),
        }
    }

    /// The bytes the signature covers.
    pub fn signed_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a receipt always serialises")
    }
}

/// A receipt with its Ed25519 signature (hex) by the device key in `principal`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub body: ReceiptBody,
    pub signature: String,
}

impl Receipt {
    /// Whether the signature verifies under the principal's public key.
    pub fn verify(&self) -> bool {
        let (Ok(public), Ok(signature)) = (
            hex::decode(&self.body.principal),
            hex::decode(&self.signature),
        ) else {
            return false;
        };
        ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, public)
            .verify(&self.body.signed_bytes(), &signature)
            .is_ok()
    }
}
