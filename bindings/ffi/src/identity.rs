//! Identity through the FFI: registration, real-name paths, the masked view,
//! corrections, quick login and account deletion. Views are copied from the
//! core; nothing is decided here.

use std::sync::Arc;

use laowu_core::app::{self as core, BankPathInput, FaceInput, IdPathInput};
use laowu_core::identity::profile::IdentityView;

use crate::{LaowuError, LaowuStore};

#[derive(Debug, Clone, uniffi::Record)]
pub struct RegistrationInfo {
    pub name: String,
    pub mobile: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct IdPathInfo {
    pub name: String,
    pub id_number: String,
    /// Which card sides were photographed (front, back); only digests are kept.
    pub photos: Vec<String>,
    pub face_verdict: Option<String>,
    pub face_score: Option<f64>,
    pub face_sdk_version: Option<String>,
    pub verified: bool,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct BankPathInfo {
    pub name: Option<String>,
    pub bank_card: Option<String>,
    pub bank: Option<String>,
    pub occupation: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct CompanyInfo {
    pub name: String,
    pub credit_code: String,
}

/// Everything held about the worker's identity, masked.
#[derive(Debug, Clone, uniffi::Record)]
pub struct IdentityInfo {
    pub account_id: Option<String>,
    pub registration: Option<RegistrationInfo>,
    pub id_path: Option<IdPathInfo>,
    pub bank_path: Option<BankPathInfo>,
    pub company: Option<CompanyInfo>,
    pub quick_login: bool,
}

impl From<IdentityView> for IdentityInfo {
    fn from(v: IdentityView) -> Self {
        IdentityInfo {
            account_id: v.account_id,
            registration: v.registration.map(|r| RegistrationInfo {
                name: r.name,
                mobile: r.mobile,
            }),
            id_path: v.id_path.map(|p| IdPathInfo {
                name: p.name,
                id_number: p.id_number,
                photos: p.photos.into_iter().map(String::from).collect(),
                face_verdict: p.face.as_ref().map(|f| f.verdict.to_string()),
                face_score: p.face.as_ref().map(|f| f.score),
                face_sdk_version: p.face.map(|f| f.sdk_version),
                verified: p.verified,
            }),
            bank_path: v.bank_path.map(|b| BankPathInfo {
                name: b.name,
                bank_card: b.bank_card,
                bank: b.bank,
                occupation: b.occupation,
                address: b.address,
            }),
            company: v.company.map(|c| CompanyInfo {
                name: c.name,
                credit_code: c.credit_code,
            }),
            quick_login: v.quick_login,
        }
    }
}

/// The face SDK's liveness result as the shell reports it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct FaceCheck {
    pub passed: bool,
    pub score: f64,
    pub sdk_version: String,
    /// The judged image: only its digest is kept.
    pub image: Option<Vec<u8>>,
}

/// The account deletion's outcome: the request left for sync, and the deadline.
#[derive(Debug, Clone, uniffi::Record)]
pub struct AccountDeletion {
    pub account_id: String,
    pub requested_on: String,
    pub deadline: String,
    /// working_days, or calendar_days beyond the calendar's years.
    pub deadline_basis: String,
    pub request_path: String,
}

/// What the platform's biometric prompt answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum BiometricOutcome {
    Passed,
    Failed,
    Unavailable,
}

/// The phone's biometric capability (BiometricPrompt, LocalAuthentication):
/// shows the prompt and unlocks the quick-login key; only the outcome crosses.
#[uniffi::export(with_foreign)]
pub trait BiometricPrompt: Send + Sync {
    fn authenticate(&self, title: String) -> BiometricOutcome;
}

struct ForeignBiometric(Arc<dyn BiometricPrompt>);

impl core::BiometricUnlock for ForeignBiometric {
    fn authenticate(&self, title: &str) -> core::BiometricResult {
        match self.0.authenticate(title.to_string()) {
            BiometricOutcome::Passed => core::BiometricResult::Passed,
            BiometricOutcome::Failed => core::BiometricResult::Failed,
            BiometricOutcome::Unavailable => core::BiometricResult::Unavailable,
        }
    }
}

#[uniffi::export]
impl LaowuStore {
    /// The name and mobile number given at registration.
    pub fn register(
        &self,
        name: String,
        mobile: String,
        at_ms: i64,
    ) -> Result<IdentityInfo, LaowuError> {
        Ok(self.phone.register(&name, &mobile, at_ms)?.into())
    }

    /// The ID-card path (needs the `real_name_id` grant): only the photos'
    /// and image's digests are kept, never the images.
    pub fn set_id_path(
        &self,
        name: String,
        id_number: String,
        front_photo: Option<Vec<u8>>,
        back_photo: Option<Vec<u8>>,
        face: Option<FaceCheck>,
        at_ms: i64,
    ) -> Result<IdentityInfo, LaowuError> {
        let input = IdPathInput {
            name: &name,
            id_number: &id_number,
            front_photo: front_photo.as_deref(),
            back_photo: back_photo.as_deref(),
            face: face.as_ref().map(|f| FaceInput {
                passed: f.passed,
                score: f.score,
                sdk_version: &f.sdk_version,
                image: f.image.as_deref(),
            }),
        };
        Ok(self.phone.set_id_path(&input, at_ms)?.into())
    }

    /// The bank-card path (needs the `real_name_bank` grant).
    pub fn set_bank_path(
        &self,
        name: String,
        bank_card: String,
        bank: String,
        occupation: String,
        address: String,
        at_ms: i64,
    ) -> Result<IdentityInfo, LaowuError> {
        let input = BankPathInput {
            name: &name,
            bank_card: &bank_card,
            bank: &bank,
            occupation: &occupation,
            address: &address,
        };
        Ok(self.phone.set_bank_path(&input, at_ms)?.into())
    }

    /// A company account's name and unified social credit code.
    pub fn set_company(
        &self,
        name: String,
        credit_code: String,
        at_ms: i64,
    ) -> Result<IdentityInfo, LaowuError> {
        Ok(self.phone.set_company(&name, &credit_code, at_ms)?.into())
    }

    /// Everything held, masked.
    pub fn identity(&self) -> Result<IdentityInfo, LaowuError> {
        Ok(self.phone.identity()?.into())
    }

    /// Corrects one field where the rules allow; otherwise `InvalidInput`
    /// naming the field with the reason.
    pub fn correct(
        &self,
        field: String,
        value: String,
        at_ms: i64,
    ) -> Result<IdentityInfo, LaowuError> {
        Ok(self.phone.correct(&field, &value, at_ms)?.into())
    }

    /// Turns fingerprint login on after one successful prompt.
    pub fn enable_quick_login(
        &self,
        prompt: Arc<dyn BiometricPrompt>,
        at_ms: i64,
    ) -> Result<bool, LaowuError> {
        Ok(self
            .phone
            .enable_quick_login(&ForeignBiometric(prompt), at_ms)?)
    }

    /// Logs in by fingerprint.
    pub fn quick_login(
        &self,
        prompt: Arc<dyn BiometricPrompt>,
        at_ms: i64,
    ) -> Result<bool, LaowuError> {
        Ok(self.phone.quick_login(&ForeignBiometric(prompt), at_ms)?)
    }

    pub fn disable_quick_login(&self) -> Result<(), LaowuError> {
        Ok(self.phone.disable_quick_login()?)
    }

    /// Deletes the account on this phone: every key shredded, the store
    /// removed; the signed request waits for sync. This object is unusable after.
    pub fn delete_account(&self, at_ms: i64) -> Result<AccountDeletion, LaowuError> {
        let (request, path) = self.phone.delete_account(at_ms)?;
        Ok(AccountDeletion {
            account_id: request.account_id,
            requested_on: request.requested_on.to_string(),
            deadline: request.deadline.to_string(),
            deadline_basis: request.deadline_basis,
            request_path: path.display().to_string(),
        })
    }
}
