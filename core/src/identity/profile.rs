//! The real-name data as stored (sealed, one record per kind, the newest in
//! force) and as shown (masked), and the rules for correcting it.

use serde::{Deserialize, Serialize};

use super::validate;
use super::values::mask_text;

/// Record kinds, each stored under the purpose and category that cover it.
pub const REGISTRATION_KIND: &str = "registration.profile";
pub const ID_PATH_KIND: &str = "real_name.id";
pub const FACE_KIND: &str = "real_name.face";
pub const BANK_CARD_KIND: &str = "real_name.bank_card";
pub const BANK_HOLDER_KIND: &str = "real_name.bank_holder";
pub const COMPANY_KIND: &str = "registration.company";

/// Name and mobile number given at registration.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Registration {
    pub name: String,
    pub mobile: String,
}

/// The ID-card path: the number and what the photos were (digests only: the
/// photos themselves are deleted once checked, as the policy promises).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IdPath {
    pub name: String,
    pub id_number: String,
    pub front_photo_sha256: Option<String>,
    pub back_photo_sha256: Option<String>,
}

/// The face SDK's liveness verdict: never the image or a face template.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FaceVerdict {
    pub passed: bool,
    /// The SDK's liveness score, 0 to 1.
    pub score: f64,
    pub sdk: String,
    pub sdk_version: String,
    pub image_sha256: Option<String>,
}

/// The bank-card path's card and bank (financial category).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BankCardRecord {
    pub bank_card: String,
    pub bank: String,
}

/// The bank-card path's personal details (identity category).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BankHolder {
    pub name: String,
    pub occupation: String,
    pub address: String,
}

/// A company account's details.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Company {
    pub name: String,
    pub credit_code: String,
}

/// Everything held, as the worker sees it: masked.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IdentityView {
    pub account_id: Option<String>,
    pub registration: Option<RegistrationView>,
    pub id_path: Option<IdPathView>,
    pub bank_path: Option<BankPathView>,
    pub company: Option<CompanyView>,
    pub quick_login: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegistrationView {
    pub name: String,
    pub mobile: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct IdPathView {
    pub name: String,
    pub id_number: String,
    pub photos: Vec<&'static str>,
    pub face: Option<FaceView>,
    /// The face liveness check passed: the ID data is verified.
    pub verified: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct FaceView {
    pub verdict: &'static str,
    pub score: f64,
    pub sdk: String,
    pub sdk_version: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct BankPathView {
    pub name: Option<String>,
    pub bank_card: Option<String>,
    pub bank: Option<String>,
    pub occupation: Option<String>,
    pub address: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CompanyView {
    pub name: String,
    pub credit_code: String,
}

impl Registration {
    pub fn view(&self) -> RegistrationView {
        RegistrationView {
            name: validate::mask_name(&self.name),
            mobile: validate::mask_mobile(&self.mobile),
        }
    }
}

impl IdPath {
    pub fn view(&self, face: Option<&FaceVerdict>) -> IdPathView {
        let mut photos = Vec::new();
        if self.front_photo_sha256.is_some() {
            photos.push("front");
        }
        if self.back_photo_sha256.is_some() {
            photos.push("back");
        }
        IdPathView {
            name: validate::mask_name(&self.name),
            id_number: validate::mask_id(&self.id_number),
            photos,
            face: face.map(FaceVerdict::view),
            verified: face.is_some_and(|f| f.passed),
        }
    }
}

impl FaceVerdict {
    pub fn view(&self) -> FaceView {
        FaceView {
            verdict: if self.passed { "pass" } else { "fail" },
            score: self.score,
            sdk: self.sdk.clone(),
            sdk_version: self.sdk_version.clone(),
        }
    }
}

/// The bank path from its two records.
pub fn bank_view(card: Option<&BankCardRecord>, holder: Option<&BankHolder>) -> BankPathView {
    BankPathView {
        name: holder.map(|h| validate::mask_name(&h.name)),
        bank_card: card.map(|c| validate::mask_card(&c.bank_card)),
        bank: card.map(|c| c.bank.clone()),
        occupation: holder.map(|h| h.occupation.clone()),
        address: holder.map(|h| mask_text(&h.address)),
    }
}

impl Company {
    pub fn view(&self) -> CompanyView {
        CompanyView {
            name: self.name.clone(),
            credit_code: validate::mask_credit_code(&self.credit_code),
        }
    }
}

/// The fields a worker may ask to correct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Name,
    Mobile,
    IdNumber,
    BankCard,
    Bank,
    Occupation,
    Address,
    CompanyName,
    CreditCode,
}

impl Field {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "name" => Field::Name,
            "mobile" => Field::Mobile,
            "id_number" => Field::IdNumber,
            "bank_card" => Field::BankCard,
            "bank" => Field::Bank,
            "occupation" => Field::Occupation,
            "address" => Field::Address,
            "company_name" => Field::CompanyName,
            "credit_code" => Field::CreditCode,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Mobile => "mobile",
            Field::IdNumber => "id_number",
            Field::BankCard => "bank_card",
            Field::Bank => "bank",
            Field::Occupation => "occupation",
            Field::Address => "address",
            Field::CompanyName => "company_name",
            Field::CreditCode => "credit_code",
        }
    }
}

/// Whether a field may be corrected by the worker, and if not, why. The seed
/// policy keeps "some initial registration information and verification
/// information" unchangeable for security and identification; ours says
/// verified real-name data changes only by verifying again.
pub fn correction_refusal(field: Field, verified: bool) -> Option<&'static str> {
    match field {
        Field::Mobile => Some(
            "the mobile number identifies the account; change it by verifying the new number by SMS",
        ),
        Field::Name | Field::IdNumber if verified => {
            Some("verified real-name data changes only by verifying again (ID card and face check)")
        }
        Field::BankCard => Some(
            "a bank card is checked against the bank; add the new card through bank-card verification",
        ),
        _ => None,
    }
}
