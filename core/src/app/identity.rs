//! Registration and real-name data on the phone: validated, stored sealed
//! under the purpose and category that cover each piece, shown masked, and
//! corrected under the policy's rules.

use serde::Serialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use super::{AppError, Phone};
use crate::consent::Permit;
use crate::identity::profile::{
    BANK_CARD_KIND, BANK_HOLDER_KIND, BankCardRecord, BankHolder, COMPANY_KIND, Company, FACE_KIND,
    FaceVerdict, Field, ID_PATH_KIND, IdPath, IdentityView, REGISTRATION_KIND, Registration,
    bank_view, correction_refusal,
};
use crate::identity::values::{BankCard, IdNumber, Mobile, PersonName, Text};
use crate::identity::{IdentityError, validate};
use crate::ledger::{Accessor, LedgerEntry, Outcome};
use crate::store::{DataCategory, RecordId};

const ACCOUNT_KIND: &str = "account.id";
const FACE_SDK: &str = "baidu-face-offline";
const MAX_TEXT: usize = 100;

/// The face SDK's liveness result, as the shell reports it.
#[derive(Clone, Debug)]
pub struct FaceInput<'a> {
    pub passed: bool,
    pub score: f64,
    pub sdk_version: &'a str,
    /// The image the SDK judged: only its digest is kept.
    pub image: Option<&'a [u8]>,
}

/// The ID-card path's input.
#[derive(Clone, Debug)]
pub struct IdPathInput<'a> {
    pub name: &'a str,
    pub id_number: &'a str,
    /// Photos of the card's two sides: only their digests are kept.
    pub front_photo: Option<&'a [u8]>,
    pub back_photo: Option<&'a [u8]>,
    pub face: Option<FaceInput<'a>>,
}

/// The bank-card path's input.
#[derive(Clone, Debug)]
pub struct BankPathInput<'a> {
    pub name: &'a str,
    pub bank_card: &'a str,
    pub bank: &'a str,
    pub occupation: &'a str,
    pub address: &'a str,
}

impl Phone {
    /// Stores the name and mobile number given at registration.
    pub fn register(&self, name: &str, mobile: &str, at_ms: i64) -> Result<IdentityView, AppError> {
        let gate = self.gate();
        let permit = gate.permit("registration")?;
        let record = Registration {
            name: PersonName::parse(name)?.reveal(&permit).into(),
            mobile: Mobile::parse(mobile)?.reveal(&permit).into(),
        };
        self.account_id(at_ms)?;
        self.replace(
            &permit,
            DataCategory::Identity,
            REGISTRATION_KIND,
            &record,
            at_ms,
        )?;
        drop(gate);
        self.identity()
    }

    /// The ID-card path: number and name, the photos' digests, and the face
    /// SDK's verdict (the worker's real-name-by-ID grant is needed).
    pub fn set_id_path(
        &self,
        input: &IdPathInput<'_>,
        at_ms: i64,
    ) -> Result<IdentityView, AppError> {
        let gate = self.gate();
        let permit = gate.permit("real_name_id")?;
        let id = IdNumber::parse(input.id_number, local_date(at_ms)?)?;
        let record = IdPath {
            name: PersonName::parse(input.name)?.reveal(&permit).into(),
            id_number: id.reveal(&permit).into(),
            front_photo_sha256: input.front_photo.map(sha256_hex),
            back_photo_sha256: input.back_photo.map(sha256_hex),
        };
        let face = input.face.as_ref().map(|f| check_face(f)).transpose()?;
        self.replace(
            &permit,
            DataCategory::Identity,
            ID_PATH_KIND,
            &record,
            at_ms,
        )?;
        if let Some(face) = face {
            let entry = LedgerEntry::new(
                Accessor::sdk(FACE_SDK)?,
                DataCategory::Face,
                "real_name_id",
                permit.policy_version(),
                at_ms,
                Outcome::Allowed,
            )?
            .with_detail("liveness check")?;
            self.store.append_ledger(&entry)?;
            self.replace(&permit, DataCategory::Face, FACE_KIND, &face, at_ms)?;
        }
        drop(gate);
        self.identity()
    }

    /// The bank-card path: card and bank (financial), name, occupation and
    /// address (identity), under the real-name-by-bank-card grant.
    pub fn set_bank_path(
        &self,
        input: &BankPathInput<'_>,
        at_ms: i64,
    ) -> Result<IdentityView, AppError> {
        let gate = self.gate();
        let permit = gate.permit("real_name_bank")?;
        let card = BankCardRecord {
            bank_card: BankCard::parse(input.bank_card)?.reveal(&permit).into(),
            bank: text("bank", input.bank)?.reveal(&permit).into(),
        };
        let holder = BankHolder {
            name: PersonName::parse(input.name)?.reveal(&permit).into(),
            occupation: text("occupation", input.occupation)?.reveal(&permit).into(),
            address: text("address", input.address)?.reveal(&permit).into(),
        };
        self.replace(
            &permit,
            DataCategory::Financial,
            BANK_CARD_KIND,
            &card,
            at_ms,
        )?;
        self.replace(
            &permit,
            DataCategory::Identity,
            BANK_HOLDER_KIND,
            &holder,
            at_ms,
        )?;
        drop(gate);
        self.identity()
    }

    /// A company account's name and unified social credit code.
    pub fn set_company(
        &self,
        name: &str,
        credit_code: &str,
        at_ms: i64,
    ) -> Result<IdentityView, AppError> {
        let gate = self.gate();
        let permit = gate.permit("registration")?;
        let record = Company {
            name: text("name", name)?.reveal(&permit).into(),
            credit_code: validate::credit_code(credit_code)?,
        };
        self.account_id(at_ms)?;
        self.replace(
            &permit,
            DataCategory::Identity,
            COMPANY_KIND,
            &record,
            at_ms,
        )?;
        drop(gate);
        self.identity()
    }

    /// Everything held about the worker's identity, masked.
    pub fn identity(&self) -> Result<IdentityView, AppError> {
        let registration: Option<Registration> =
            self.latest(DataCategory::Identity, REGISTRATION_KIND)?;
        let id_path: Option<IdPath> = self.latest(DataCategory::Identity, ID_PATH_KIND)?;
        let face: Option<FaceVerdict> = self.latest(DataCategory::Face, FACE_KIND)?;
        let card: Option<BankCardRecord> = self.latest(DataCategory::Financial, BANK_CARD_KIND)?;
        let holder: Option<BankHolder> = self.latest(DataCategory::Identity, BANK_HOLDER_KIND)?;
        let company: Option<Company> = self.latest(DataCategory::Identity, COMPANY_KIND)?;
        Ok(IdentityView {
            account_id: self.existing_account_id()?,
            registration: registration.map(|r| r.view()),
            id_path: id_path.map(|p| p.view(face.as_ref())),
            bank_path: (card.is_some() || holder.is_some())
                .then(|| bank_view(card.as_ref(), holder.as_ref())),
            company: company.map(|c| c.view()),
            quick_login: self.quick_login_enabled()?,
        })
    }

    /// Corrects one field, if the rules allow it; the old value is deleted.
    pub fn correct(&self, field: &str, value: &str, at_ms: i64) -> Result<IdentityView, AppError> {
        let field = Field::parse(field).ok_or_else(|| AppError::InvalidInput {
            field: "field",
            reason: "must be one of name, mobile, id_number, bank_card, bank, occupation, \
                     address, company_name, credit_code"
                .into(),
        })?;
        let face: Option<FaceVerdict> = self.latest(DataCategory::Face, FACE_KIND)?;
        let verified = face.is_some_and(|f| f.passed);
        if let Some(reason) = correction_refusal(field, verified) {
            return Err(AppError::InvalidInput {
                field: field.as_str(),
                reason: reason.into(),
            });
        }
        let gate = self.gate();
        let missing = || AppError::NotFound {
            what: "stored value",
            field: field.as_str(),
        };
        match field {
            Field::Name | Field::IdNumber => {
                let permit_reg = gate.permit("registration")?;
                if field == Field::Name
                    && let Some(mut r) =
                        self.latest::<Registration>(DataCategory::Identity, REGISTRATION_KIND)?
                {
                    r.name = validate::person_name(value)?;
                    self.replace(
                        &permit_reg,
                        DataCategory::Identity,
                        REGISTRATION_KIND,
                        &r,
                        at_ms,
                    )?;
                }
                if let Some(mut p) = self.latest::<IdPath>(DataCategory::Identity, ID_PATH_KIND)? {
                    let permit = gate.permit("real_name_id")?;
                    match field {
                        Field::Name => p.name = validate::person_name(value)?,
                        _ => p.id_number = validate::resident_id(value, local_date(at_ms)?)?.number,
                    }
                    self.replace(&permit, DataCategory::Identity, ID_PATH_KIND, &p, at_ms)?;
                } else if field == Field::IdNumber {
                    return Err(missing());
                }
            }
            Field::Bank => {
                let permit = gate.permit("real_name_bank")?;
                let mut c: BankCardRecord = self
                    .latest(DataCategory::Financial, BANK_CARD_KIND)?
                    .ok_or_else(missing)?;
                c.bank = text("bank", value)?.reveal(&permit).into();
                self.replace(&permit, DataCategory::Financial, BANK_CARD_KIND, &c, at_ms)?;
            }
            Field::Occupation | Field::Address => {
                let permit = gate.permit("real_name_bank")?;
                let mut h: BankHolder = self
                    .latest(DataCategory::Identity, BANK_HOLDER_KIND)?
                    .ok_or_else(missing)?;
                match field {
                    Field::Occupation => {
                        h.occupation = text("occupation", value)?.reveal(&permit).into()
                    }
                    _ => h.address = text("address", value)?.reveal(&permit).into(),
                }
                self.replace(&permit, DataCategory::Identity, BANK_HOLDER_KIND, &h, at_ms)?;
            }
            Field::CompanyName | Field::CreditCode => {
                let permit = gate.permit("registration")?;
                let mut c: Company = self
                    .latest(DataCategory::Identity, COMPANY_KIND)?
                    .ok_or_else(missing)?;
                match field {
                    Field::CompanyName => {
                        c.name = text("company_name", value)?.reveal(&permit).into()
                    }
                    _ => c.credit_code = validate::credit_code(value)?,
                }
                self.replace(&permit, DataCategory::Identity, COMPANY_KIND, &c, at_ms)?;
            }
            Field::Mobile | Field::BankCard => unreachable!("refused above"),
        }
        drop(gate);
        self.identity()
    }

    /// The account's id, created with the first registration data.
    pub fn account_id(&self, at_ms: i64) -> Result<String, AppError> {
        if let Some(id) = self.existing_account_id()? {
            return Ok(id);
        }
        let id = super::random_id()?;
        self.store.put_internal_records(
            &[(DataCategory::Device, ACCOUNT_KIND, id.as_bytes())],
            at_ms,
        )?;
        Ok(id)
    }

    pub(crate) fn existing_account_id(&self) -> Result<Option<String>, AppError> {
        Ok(self
            .store
            .latest_internal_record(DataCategory::Device, ACCOUNT_KIND)?
            .map(|r| String::from_utf8_lossy(&r.value).into_owned()))
    }

    /// The newest record of `kind`, decoded.
    pub(crate) fn latest<T: DeserializeOwned>(
        &self,
        category: DataCategory,
        kind: &str,
    ) -> Result<Option<T>, AppError> {
        self.store
            .records_of_kind(category, kind)?
            .last()
            .map(|r| {
                serde_json::from_slice(&r.value)
                    .map_err(|_| super::attendance::corrupt("an identity record"))
            })
            .transpose()
    }

    /// Stores `value` as the record of `kind` and deletes the ones it replaces.
    fn replace<T: Serialize>(
        &self,
        permit: &Permit<'_>,
        category: DataCategory,
        kind: &str,
        value: &T,
        at_ms: i64,
    ) -> Result<(), AppError> {
        let old: Vec<RecordId> = self
            .store
            .records_of_kind(category, kind)?
            .into_iter()
            .map(|r| r.id)
            .collect();
        log::debug!(
            "identity: storing {kind} in {category}, replacing {}",
            old.len()
        );
        let json = Zeroizing::new(serde_json::to_vec(value).expect("a record always serialises"));
        self.store
            .put_record(permit, category, kind, &json, at_ms, false)?;
        self.store.delete_records(&old)?;
        Ok(())
    }
}

fn check_face(f: &FaceInput<'_>) -> Result<FaceVerdict, IdentityError> {
    if !(f.score.is_finite() && (0.0..=1.0).contains(&f.score)) {
        return Err(IdentityError::invalid(
            "face_score",
            "must be a number from 0 to 1",
        ));
    }
    let version = f.sdk_version.trim();
    if version.is_empty() || version.len() > 32 || version.chars().any(char::is_control) {
        return Err(IdentityError::invalid(
            "face_sdk_version",
            "must be 1 to 32 characters without control characters",
        ));
    }
    Ok(FaceVerdict {
        passed: f.passed,
        score: f.score,
        sdk: FACE_SDK.into(),
        sdk_version: version.into(),
        image_sha256: f.image.map(sha256_hex),
    })
}

fn text(field: &'static str, value: &str) -> Result<Text, IdentityError> {
    Text::parse(field, value, MAX_TEXT)
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, bytes))
}

/// The date in China at `at_ms` (ID birth dates and deadlines count from it).
pub fn local_date(at_ms: i64) -> Result<jiff::civil::Date, AppError> {
    let t = jiff::Timestamp::from_millisecond(at_ms).map_err(|_| AppError::InvalidInput {
        field: "at_ms",
        reason: "is out of range".into(),
    })?;
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai")
        .expect("the bundled zone database has Asia/Shanghai");
    Ok(tz.to_datetime(t).date())
}
