//! What changed between the terms a user decided on and a new policy version,
//! and therefore what must be asked again.

use std::collections::BTreeSet;

use serde::Serialize;

use super::decision::{Decision, PurposeTerms};
use super::{Policy, Purpose};

/// Why a purpose must be asked again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// The purpose is new in this version.
    NewPurpose,
    /// It now covers more data categories.
    NewCategories { categories: Vec<String> },
    /// It now collects more kinds of data.
    NewKinds { kinds: Vec<String> },
    /// More third-party SDKs take part.
    NewSdks { sdks: Vec<String> },
    /// Data is kept longer.
    LongerRetention { from_days: u32, to_days: u32 },
    /// It became essential, or sensitive.
    StricterTerms,
}

/// One purpose that must be decided again, with every reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PurposeChange {
    pub purpose: String,
    pub essential: bool,
    pub changes: Vec<Change>,
}

/// The difference between a decision and the current policy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PolicyDiff {
    pub from_version: String,
    pub to_version: String,
    /// Purposes to ask about again; everything else carries over.
    pub changed: Vec<PurposeChange>,
    /// Purposes the new version no longer has (their grants lapse).
    pub removed: Vec<String>,
}

impl PolicyDiff {
    /// Whether an essential purpose changed: the gate stays closed until accepted.
    pub fn essential_changed(&self) -> bool {
        self.changed.iter().any(|c| c.essential)
    }

    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }

    pub fn between(decision: &Decision, policy: &Policy) -> Self {
        let changed = policy
            .purposes
            .iter()
            .filter_map(|p| {
                let changes = match decision.purposes.get(p.id.as_str()) {
                    None => vec![Change::NewPurpose],
                    Some(old) => changes(&old.terms, p),
                };
                (!changes.is_empty()).then(|| PurposeChange {
                    purpose: p.id.to_string(),
                    essential: p.essential,
                    changes,
                })
            })
            .collect();
        let removed = decision
            .purposes
            .keys()
            .filter(|id| policy.purpose(id).is_none())
            .cloned()
            .collect();
        Self {
            from_version: decision.policy_version.clone(),
            to_version: policy.version.clone(),
            changed,
            removed,
        }
    }
}

fn added<'a, T: Ord + 'a>(
    old: impl IntoIterator<Item = &'a T>,
    new: impl IntoIterator<Item = &'a T>,
) -> Vec<&'a T> {
    let old: BTreeSet<&T> = old.into_iter().collect();
    new.into_iter().filter(|x| !old.contains(x)).collect()
}

fn changes(old: &PurposeTerms, new: &Purpose) -> Vec<Change> {
    let mut out = Vec::new();
    let new_terms = PurposeTerms::of(new);
    let categories = added(&old.categories, &new_terms.categories);
    if !categories.is_empty() {
        out.push(Change::NewCategories {
            categories: categories.into_iter().cloned().collect(),
        });
    }
    let kinds = added(&old.kinds, &new_terms.kinds);
    if !kinds.is_empty() {
        out.push(Change::NewKinds {
            kinds: kinds.into_iter().map(|k| k.as_str().to_string()).collect(),
        });
    }
    let sdks = added(&old.sdks, &new_terms.sdks);
    if !sdks.is_empty() {
        out.push(Change::NewSdks {
            sdks: sdks.into_iter().cloned().collect(),
        });
    }
    if new.retention_days > old.retention_days {
        out.push(Change::LongerRetention {
            from_days: old.retention_days,
            to_days: new.retention_days,
        });
    }
    if (new.essential && !old.essential) || (new.sensitive && !old.sensitive) {
        out.push(Change::StricterTerms);
    }
    out
}
