//! Quick login by fingerprint (the seed's optional 指纹登录): the shell's
//! biometric capability unlocks a platform key (BiometricPrompt with a
//! crypto object, LocalAuthentication); the core only learns passed or not,
//! records whether quick login is on, and never sees biometric data.

use super::{AppError, Phone};
use crate::ledger::{Accessor, Capability, LedgerEntry, Outcome};
use crate::store::{DataCategory, RecordId};

const PURPOSE: &str = "fingerprint_login";
const ENABLED_KIND: &str = "quick_login.enabled";

/// What the platform's biometric prompt answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BiometricResult {
    Passed,
    Failed,
    /// No enrolled biometric, no hardware, or the user cancelled.
    Unavailable,
}

/// The phone's biometric capability.
pub trait BiometricUnlock: Send + Sync {
    /// Shows the system prompt and unlocks the quick-login key on success.
    fn authenticate(&self, title: &str) -> BiometricResult;
}

impl Phone {
    /// Turns quick login on after one successful prompt (needs the
    /// fingerprint-login grant). Returns whether it is now on.
    pub fn enable_quick_login(
        &self,
        sensor: &dyn BiometricUnlock,
        at_ms: i64,
    ) -> Result<bool, AppError> {
        let gate = self.gate();
        let permit = gate.permit(PURPOSE)?;
        let result = self.prompt(
            sensor,
            "开启指纹登录 / Turn on fingerprint login",
            permit.policy_version(),
            at_ms,
        )?;
        if result != BiometricResult::Passed {
            return Ok(false);
        }
        if !self.quick_login_enabled()? {
            self.store.put_record(
                &permit,
                DataCategory::Device,
                ENABLED_KIND,
                b"on",
                at_ms,
                false,
            )?;
        }
        Ok(true)
    }

    /// Logs in by fingerprint: `true` only if quick login is on, the grant
    /// stands and the prompt passed.
    pub fn quick_login(&self, sensor: &dyn BiometricUnlock, at_ms: i64) -> Result<bool, AppError> {
        let gate = self.gate();
        let permit = gate.permit(PURPOSE)?;
        if !self.quick_login_enabled()? {
            return Err(AppError::InvalidInput {
                field: "quick_login",
                reason: "is not turned on".into(),
            });
        }
        let result = self.prompt(
            sensor,
            "指纹登录 / Fingerprint login",
            permit.policy_version(),
            at_ms,
        )?;
        Ok(result == BiometricResult::Passed)
    }

    /// Turns quick login off.
    pub fn disable_quick_login(&self) -> Result<(), AppError> {
        let ids: Vec<RecordId> = self
            .store
            .records_of_kind(DataCategory::Device, ENABLED_KIND)?
            .into_iter()
            .map(|r| r.id)
            .collect();
        self.store.delete_records(&ids)?;
        Ok(())
    }

    pub fn quick_login_enabled(&self) -> Result<bool, AppError> {
        Ok(!self
            .store
            .records_of_kind(DataCategory::Device, ENABLED_KIND)?
            .is_empty())
    }

    /// Shows the prompt; the use of the biometric capability and its outcome
    /// (never any biometric data) are a ledger entry.
    fn prompt(
        &self,
        sensor: &dyn BiometricUnlock,
        title: &str,
        policy_version: &str,
        at_ms: i64,
    ) -> Result<BiometricResult, AppError> {
        let result = sensor.authenticate(title);
        let detail = match result {
            BiometricResult::Passed => "passed",
            BiometricResult::Failed => "failed",
            BiometricResult::Unavailable => "unavailable",
        };
        let entry = LedgerEntry::new(
            Accessor::Capability(Capability::Biometric),
            DataCategory::Device,
            PURPOSE,
            policy_version,
            at_ms,
            Outcome::Allowed,
        )?
        .with_detail(detail)?;
        self.store.append_ledger(&entry)?;
        Ok(result)
    }
}
