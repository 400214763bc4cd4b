//! The consent gate: the only place a [`Permit`] is minted.
//!
//! Code that collects or stores personal data takes a `&Permit`, and a permit
//! exists only for a purpose the user granted under the current policy. It
//! borrows the gate, so it cannot outlive a withdrawal (which needs the gate
//! mutably): a missing or stale check does not compile.

use std::collections::BTreeSet;

use serde::Serialize;

use super::decision::{Decision, PurposeDecision, PurposeTerms};
use super::diff::PolicyDiff;
use super::{Policy, Purpose, PurposeId};
use crate::store::DataCategory;

/// Why the gate refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsentError {
    /// The user has not granted this purpose under the current policy.
    #[error("consent required for {purpose}")]
    ConsentRequired { purpose: String },
    /// The policy has no purpose of this name.
    #[error("unknown purpose: the policy has no purpose named like this")]
    UnknownPurpose { purpose: String },
    /// Essential purposes cannot be withdrawn one by one: doing so means closing the account.
    #[error(
        "{purpose} is essential to the service: withdrawing it means closing the account (request account deletion instead)"
    )]
    EssentialWithdrawal { purpose: String },
    /// The essential purposes are accepted or refused together.
    #[error("the essential purposes are accepted together: {purpose} is missing")]
    PartialEssentials { purpose: String },
}

/// Where the gate stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GateState {
    /// Nothing decided yet: nothing personal may be collected.
    NotDecided,
    /// The essential purposes were refused: browse and search only.
    BrowseOnly,
    /// A new policy version changed something the user must decide again;
    /// if an essential purpose changed, nothing may be collected until then.
    ReconsentRequired,
    /// The current policy is accepted; each purpose per its grant.
    Open,
}

/// Permission to collect or store personal data for one purpose, minted only
/// by [`Gate::permit`].
#[derive(Debug)]
pub struct Permit<'g> {
    purpose: &'g Purpose,
    policy_version: &'g str,
}

impl Permit<'_> {
    pub fn purpose(&self) -> &PurposeId {
        &self.purpose.id
    }

    pub fn policy_version(&self) -> &str {
        self.policy_version
    }

    /// Whether data of `category` may be stored under this permit.
    pub fn covers(&self, category: DataCategory) -> bool {
        self.purpose.categories.contains(&category)
    }
}

/// One purpose as the privacy centre shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PurposeStatus {
    pub id: String,
    pub name: String,
    pub essential: bool,
    pub sensitive: bool,
    /// Whether collection for it is allowed right now.
    pub granted: bool,
    /// Whether the user must (re)decide it now.
    pub needs_decision: bool,
    /// When the user last decided it.
    pub decided_at_ms: Option<i64>,
}

/// The gate's state for display.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsentStatus {
    pub state: GateState,
    pub policy_version: String,
    pub policy_hash: String,
    pub decided_version: Option<String>,
    pub purposes: Vec<PurposeStatus>,
    pub diff: Option<PolicyDiff>,
}

/// The policy in force and the user's standing decision.
pub struct Gate {
    policy: Policy,
    decision: Option<Decision>,
    diff: Option<PolicyDiff>,
}

impl Gate {
    pub fn new(policy: Policy, decision: Option<Decision>) -> Self {
        let diff = decision.as_ref().map(|d| PolicyDiff::between(d, &policy));
        Self {
            policy,
            decision,
            diff,
        }
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn decision(&self) -> Option<&Decision> {
        self.decision.as_ref()
    }

    pub fn state(&self) -> GateState {
        match (&self.decision, &self.diff) {
            (None, _) => GateState::NotDecided,
            (Some(_), Some(diff)) if !diff.changed.is_empty() => GateState::ReconsentRequired,
            (Some(d), _) if !d.essentials_accepted() => GateState::BrowseOnly,
            (Some(_), _) => GateState::Open,
        }
    }

    /// Purposes the user must decide now: all of them at first, then only
    /// what a new policy version changed.
    pub fn pending(&self) -> Vec<&Purpose> {
        match &self.diff {
            None => self.policy.purposes.iter().collect(),
            Some(diff) => diff
                .changed
                .iter()
                .filter_map(|c| self.policy.purpose(&c.purpose))
                .collect(),
        }
    }

    /// Whether collection for `purpose` is allowed right now.
    pub fn is_granted(&self, purpose: &str) -> bool {
        let (Some(decision), Some(diff)) = (&self.decision, &self.diff) else {
            return false;
        };
        self.policy.purpose(purpose).is_some()
            && decision.essentials_accepted()
            && !diff.essential_changed()
            && !diff.changed.iter().any(|c| c.purpose == purpose)
            && decision.granted(purpose)
    }

    /// A permit for `purpose`, if the user granted it under the current policy.
    pub fn permit(&self, purpose: &str) -> Result<Permit<'_>, ConsentError> {
        let p = self
            .policy
            .purpose(purpose)
            .ok_or_else(|| ConsentError::UnknownPurpose {
                purpose: purpose.to_string(),
            })?;
        if !self.is_granted(purpose) {
            return Err(ConsentError::ConsentRequired {
                purpose: purpose.to_string(),
            });
        }
        Ok(Permit {
            purpose: p,
            policy_version: &self.policy.version,
        })
    }

    /// The decision that results from the user ticking exactly `granted` among
    /// the pending purposes (and opting into any other optional purpose named
    /// there). Pending purposes not named are refused; nothing is pre-granted.
    /// The caller stores the result and rebuilds the gate with it.
    pub fn decide(&self, granted: &BTreeSet<String>, at_ms: i64) -> Result<Decision, ConsentError> {
        for id in granted {
            if self.policy.purpose(id).is_none() {
                return Err(ConsentError::UnknownPurpose {
                    purpose: id.clone(),
                });
            }
        }
        let pending: BTreeSet<&str> = self.pending().iter().map(|p| p.id.as_str()).collect();
        let mut next = self.carried_over(at_ms);
        for p in &self.policy.purposes {
            let id = p.id.as_str();
            if pending.contains(id) || granted.contains(id) {
                next.purposes.insert(
                    id.to_string(),
                    PurposeDecision {
                        granted: granted.contains(id),
                        at_ms,
                        terms: PurposeTerms::of(p),
                    },
                );
            }
        }
        let essentials: Vec<&Purpose> = self
            .policy
            .purposes
            .iter()
            .filter(|p| p.essential)
            .collect();
        let accepted = essentials
            .iter()
            .filter(|p| next.granted(p.id.as_str()))
            .count();
        if accepted != 0 && accepted != essentials.len() {
            let missing = essentials
                .iter()
                .find(|p| !next.granted(p.id.as_str()))
                .expect("some essential purpose is missing");
            return Err(ConsentError::PartialEssentials {
                purpose: missing.id.to_string(),
            });
        }
        Ok(next)
    }

    /// The decision after withdrawing `purpose`, and the data categories to
    /// shred: those of the purpose that no other granted purpose still uses.
    pub fn withdraw(
        &self,
        purpose: &str,
        at_ms: i64,
    ) -> Result<(Decision, Vec<DataCategory>), ConsentError> {
        let p = self
            .policy
            .purpose(purpose)
            .ok_or_else(|| ConsentError::UnknownPurpose {
                purpose: purpose.to_string(),
            })?;
        if p.essential {
            return Err(ConsentError::EssentialWithdrawal {
                purpose: purpose.to_string(),
            });
        }
        let mut next = self.carried_over(at_ms);
        next.purposes.insert(
            purpose.to_string(),
            PurposeDecision {
                granted: false,
                at_ms,
                terms: PurposeTerms::of(p),
            },
        );
        let still_used: BTreeSet<DataCategory> = self
            .policy
            .purposes
            .iter()
            .filter(|o| o.id != p.id && next.granted(o.id.as_str()))
            .flat_map(|o| o.categories.iter().copied())
            .collect();
        let shred = p
            .categories
            .iter()
            .copied()
            .filter(|c| !still_used.contains(c))
            .collect();
        Ok((next, shred))
    }

    /// The standing decision moved onto the current policy: purposes it no
    /// longer has are dropped, unchanged ones keep their grant with the
    /// current terms, changed ones are left for the user to decide.
    fn carried_over(&self, at_ms: i64) -> Decision {
        let mut next = Decision::for_policy(&self.policy, at_ms);
        let Some(old) = &self.decision else {
            return next;
        };
        let pending: BTreeSet<&str> = self.pending().iter().map(|p| p.id.as_str()).collect();
        for p in &self.policy.purposes {
            let id = p.id.as_str();
            if let Some(d) = old.purposes.get(id)
                && !pending.contains(id)
            {
                next.purposes.insert(
                    id.to_string(),
                    PurposeDecision {
                        granted: d.granted,
                        at_ms: d.at_ms,
                        terms: PurposeTerms::of(p),
                    },
                );
            }
        }
        next
    }

    pub fn status(&self) -> ConsentStatus {
        let pending: BTreeSet<&str> = self.pending().iter().map(|p| p.id.as_str()).collect();
        ConsentStatus {
            state: self.state(),
            policy_version: self.policy.version.clone(),
            policy_hash: self.policy.hash().to_string(),
            decided_version: self.decision.as_ref().map(|d| d.policy_version.clone()),
            purposes: self
                .policy
                .purposes
                .iter()
                .map(|p| PurposeStatus {
                    id: p.id.to_string(),
                    name: p.name.clone(),
                    essential: p.essential,
                    sensitive: p.sensitive,
                    granted: self.is_granted(p.id.as_str()),
                    needs_decision: pending.contains(p.id.as_str()),
                    decided_at_ms: self
                        .decision
                        .as_ref()
                        .and_then(|d| d.purposes.get(p.id.as_str()))
                        .map(|d| d.at_ms),
                })
                .collect(),
            diff: self.diff.clone().filter(|d| !d.is_empty()),
        }
    }
}
