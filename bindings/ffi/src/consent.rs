//! The consent gate as the shells see it: status, the policy's purposes,
//! accept, withdraw. The screens draw these; the core decides.

use laowu_core::consent::{ConsentStatus, GateState};

/// Where the gate stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ConsentState {
    /// Nothing decided yet: show the first-run consent screen.
    NotDecided,
    /// The essential purposes were refused: browse and search only.
    BrowseOnly,
    /// A new policy version needs a decision on what changed.
    ReconsentRequired,
    /// The current policy is accepted.
    Open,
}

/// One purpose with its grant, for the consent screen and the privacy centre.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PurposeGrant {
    pub id: String,
    pub name: String,
    pub essential: bool,
    pub sensitive: bool,
    pub granted: bool,
    pub needs_decision: bool,
    pub decided_at_ms: Option<i64>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct ConsentView {
    pub state: ConsentState,
    pub policy_version: String,
    pub policy_hash: String,
    pub purposes: Vec<PurposeGrant>,
}

/// What a withdrawal shredded.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ShreddedCategory {
    pub category: crate::DataCategory,
    pub rows_removed: u64,
}

impl From<ConsentStatus> for ConsentView {
    fn from(s: ConsentStatus) -> Self {
        Self {
            state: match s.state {
                GateState::NotDecided => ConsentState::NotDecided,
                GateState::BrowseOnly => ConsentState::BrowseOnly,
                GateState::ReconsentRequired => ConsentState::ReconsentRequired,
                GateState::Open => ConsentState::Open,
            },
            policy_version: s.policy_version,
            policy_hash: s.policy_hash,
            purposes: s
                .purposes
                .into_iter()
                .map(|p| PurposeGrant {
                    id: p.id,
                    name: p.name,
                    essential: p.essential,
                    sensitive: p.sensitive,
                    granted: p.granted,
                    needs_decision: p.needs_decision,
                    decided_at_ms: p.decided_at_ms,
                })
                .collect(),
        }
    }
}

/// A signed consent receipt, for the privacy centre.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ConsentReceipt {
    pub receipt_id: String,
    pub at_ms: i64,
    /// `decide` or `withdraw`.
    pub event: String,
    pub policy_version: String,
    pub policy_hash: String,
    pub granted: Vec<String>,
    pub refused: Vec<String>,
    /// Whether the device key's signature verifies.
    pub signature_valid: bool,
}

impl ConsentReceipt {
    pub(crate) fn from_core(r: laowu_core::consent::Receipt, signature_valid: bool) -> Self {
        let (granted, refused): (Vec<_>, Vec<_>) = r.body.purposes.iter().partition(|p| p.granted);
        Self {
            receipt_id: r.body.receipt_id.clone(),
            at_ms: r.body.at_ms,
            event: match r.body.event {
                laowu_core::consent::ConsentEvent::Decide => "decide".into(),
                laowu_core::consent::ConsentEvent::Withdraw => "withdraw".into(),
            },
            policy_version: r.body.policy_version.clone(),
            policy_hash: r.body.policy_hash.clone(),
            granted: granted.into_iter().map(|p| p.id.clone()).collect(),
            refused: refused.into_iter().map(|p| p.id.clone()).collect(),
            signature_valid,
        }
    }
}

/// What a withdrawal removed.
#[derive(Debug, Clone, uniffi::Record)]
pub struct WithdrawalResult {
    /// Categories shredded whole (no other granted purpose used them).
    pub shredded: Vec<ShreddedCategory>,
    /// Rows of the purpose deleted from categories other purposes still use.
    pub purpose_rows_removed: u64,
}

/// A third-party SDK as the policy discloses it, for the consent screen.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SdkDisclosure {
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub purpose: String,
    pub scenario: String,
    pub data_types: Vec<String>,
    pub collection: String,
    pub policy_url: String,
}

/// A purpose's terms as the policy states them.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PurposeTerms {
    pub id: String,
    pub name: String,
    pub description: String,
    pub essential: bool,
    pub sensitive: bool,
    pub data: Vec<String>,
    pub sdks: Vec<String>,
    pub retention_days: u32,
}

/// The policy in force, whole: what the first-run consent screen shows.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PolicyView {
    pub version: String,
    pub effective: String,
    pub title: String,
    pub text: String,
    pub purposes: Vec<PurposeTerms>,
    pub sdks: Vec<SdkDisclosure>,
}

impl From<&laowu_core::consent::Policy> for PolicyView {
    fn from(p: &laowu_core::consent::Policy) -> Self {
        PolicyView {
            version: p.version.clone(),
            effective: p.effective.clone(),
            title: p.title.clone(),
            text: p.text.clone(),
            purposes: p
                .purposes
                .iter()
                .map(|t| PurposeTerms {
                    id: t.id.to_string(),
                    name: t.name.clone(),
                    description: t.description.clone(),
                    essential: t.essential,
                    sensitive: t.sensitive,
                    data: t.data.clone(),
                    sdks: t.sdks.clone(),
                    retention_days: t.retention_days,
                })
                .collect(),
            sdks: p
                .sdks
                .iter()
                .map(|s| SdkDisclosure {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    vendor: s.vendor.clone(),
                    purpose: s.purpose.clone(),
                    scenario: s.scenario.clone(),
                    data_types: s.data_types.clone(),
                    collection: s.collection.clone(),
                    policy_url: s.policy_url.clone(),
                })
                .collect(),
        }
    }
}
