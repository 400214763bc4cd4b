//! What the user decided about a policy version: the grants and refusals, and a
//! snapshot of the terms they decided on, so a later version can be compared
//! against exactly what was agreed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{DataKind, Policy, Purpose};
use crate::store::DataCategory;

/// The terms of one purpose, as agreed (or refused).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurposeTerms {
    pub essential: bool,
    pub sensitive: bool,
    pub categories: Vec<String>,
    pub kinds: Vec<DataKind>,
    pub sdks: Vec<String>,
    pub retention_days: u32,
}

impl PurposeTerms {
    pub fn of(p: &Purpose) -> Self {
        Self {
            essential: p.essential,
            sensitive: p.sensitive,
            categories: p
                .categories
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
            kinds: p.kinds.clone(),
            sdks: p.sdks.clone(),
            retention_days: p.retention_days,
        }
    }

    pub fn categories(&self) -> impl Iterator<Item = DataCategory> + '_ {
        self.categories.iter().filter_map(|c| c.parse().ok())
    }
}

/// A purpose's state in a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurposeDecision {
    pub granted: bool,
    /// When the user last decided about this purpose.
    pub at_ms: i64,
    pub terms: PurposeTerms,
}

/// The user's standing decision: stored sealed, replaced whole on each change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub policy_id: String,
    pub policy_version: String,
    pub policy_hash: String,
    pub at_ms: i64,
    pub purposes: BTreeMap<String, PurposeDecision>,
}

impl Decision {
    pub fn granted(&self, purpose: &str) -> bool {
        self.purposes.get(purpose).is_some_and(|d| d.granted)
    }

    /// Whether the essential purposes were accepted (otherwise: browse-only).
    pub fn essentials_accepted(&self) -> bool {
        self.purposes
            .values()
            .filter(|d| d.terms.essential)
            .all(|d| d.granted)
            && self.purposes.values().any(|d| d.terms.essential)
    }

    pub(crate) fn for_policy(policy: &Policy, at_ms: i64) -> Self {
        Self {
            policy_id: policy.id.clone(),
            policy_version: policy.version.clone(),
            policy_hash: policy.hash().to_string(),
            at_ms,
            purposes: BTreeMap::new(),
        }
    }
}
