//! Third-party SDKs and platform capabilities asking for data: the gate
//! answers, and every answer is a ledger entry the worker can see.

use super::{AppError, Phone};
use crate::consent::ConsentError;
use crate::ledger::{Accessor, LedgerEntry, LedgerSeq, Outcome};
use crate::store::DataCategory;

/// The gate's answer to an SDK that wants to start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartDecision {
    pub allowed: bool,
    /// The purpose it would serve (the granted one, else the first that uses it).
    pub purpose: String,
    pub seq: LedgerSeq,
}

impl Phone {
    /// Whether a shell may initialise `sdk` now: only while a purpose that uses
    /// it is granted (the Amap SDK, for one, must not run before its privacy
    /// calls). Every answer, yes or no, is a ledger entry.
    pub fn may_start(&self, sdk: &str, at_ms: i64) -> Result<StartDecision, AppError> {
        let accessor = Accessor::sdk(sdk)?;
        let gate = self.gate();
        let policy = gate.policy();
        if policy.sdk(sdk).is_none() {
            return Err(AppError::InvalidInput {
                field: "sdk",
                reason: "the policy discloses no SDK of this name".into(),
            });
        }
        let users: Vec<_> = policy
            .purposes
            .iter()
            .filter(|p| p.sdks.iter().any(|s| s == sdk))
            .collect();
        let granted = users.iter().find(|p| gate.is_granted(p.id.as_str()));
        let purpose = granted
            .or(users.first())
            .expect("validation: every SDK is used by a purpose");
        let outcome = if granted.is_some() {
            Outcome::Allowed
        } else {
            Outcome::Refused
        };
        let entry = LedgerEntry::new(
            accessor,
            purpose.categories[0],
            purpose.id.as_str(),
            &policy.version,
            at_ms,
            outcome,
        )?
        .with_detail("initialise")?;
        let seq = self.store.append_ledger(&entry)?;
        Ok(StartDecision {
            allowed: outcome == Outcome::Allowed,
            purpose: purpose.id.to_string(),
            seq,
        })
    }

    /// Records an access to `category` data by `accessor` (`sdk:<id>` or
    /// `capability:<name>`) for `purpose`. Allowed only under a permit for a
    /// purpose covering the category; a refusal is recorded too, then returned
    /// as `ConsentRequired`.
    pub fn record_access(
        &self,
        accessor: &str,
        purpose: &str,
        category: DataCategory,
        detail: Option<&str>,
        at_ms: i64,
    ) -> Result<LedgerSeq, AppError> {
        let accessor = Accessor::parse(accessor)?;
        let gate = self.gate();
        let version = gate.policy().version.clone();
        let (outcome, refusal) = match gate.permit(purpose) {
            Ok(permit) if permit.covers(category) => (Outcome::Allowed, None),
            Ok(permit) => {
                return Err(AppError::InvalidInput {
                    field: "category",
                    reason: format!(
                        "the purpose {} does not cover {category} data",
                        permit.purpose()
                    ),
                });
            }
            Err(e @ ConsentError::ConsentRequired { .. }) => (Outcome::Refused, Some(e)),
            Err(e) => return Err(e.into()),
        };
        let mut entry = LedgerEntry::new(accessor, category, purpose, &version, at_ms, outcome)?;
        if let Some(detail) = detail {
            entry = entry.with_detail(detail)?;
        }
        let seq = self.store.append_ledger(&entry)?;
        match refusal {
            Some(e) => Err(e.into()),
            None => Ok(seq),
        }
    }
}
