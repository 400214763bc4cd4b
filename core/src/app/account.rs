//! Deleting the account on the phone: everything is shredded and the store
//! removed at once; a signed deletion request stays behind for sync to
//! deliver, with the deadline the policy promises (15 working days on the
//! Chinese working-day calendar).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::device_key::DeviceKey;
use super::identity::local_date;
use super::{AppError, Phone};
use crate::calendar::WorkCalendar;
use crate::store::DataCategory;

/// The file the deletion request is left in, in the phone's data directory.
pub const DELETION_REQUEST_FILE: &str = "deletion-request.json";
/// The policy's promise: the server deletes within 15 working days.
pub const DELETION_WORKING_DAYS: u32 = 15;
/// Where the calendar does not reach: the policy's own bound ("15 working
/// days is at most about 30 calendar days").
const FALLBACK_CALENDAR_DAYS: i64 = 30;
const CALENDAR_KIND: &str = "calendar.working_days";

/// A deletion request, signed by the device key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionRequest {
    pub v: u32,
    pub account_id: String,
    pub device_key: String,
    pub requested_at_ms: i64,
    pub requested_on: Date,
    /// The last day the server may take (inclusive).
    pub deadline: Date,
    /// `working_days` (from the calendar) or `calendar_days` (beyond it).
    pub deadline_basis: String,
    pub calendar_version: String,
    /// Ed25519 over the JSON of every field above, hex.
    pub signature: String,
}

#[derive(Serialize)]
struct Unsigned<'a> {
    v: u32,
    account_id: &'a str,
    device_key: &'a str,
    requested_at_ms: i64,
    requested_on: Date,
    deadline: Date,
    deadline_basis: &'a str,
    calendar_version: &'a str,
}

impl DeletionRequest {
    fn unsigned(&self) -> Unsigned<'_> {
        Unsigned {
            v: self.v,
            account_id: &self.account_id,
            device_key: &self.device_key,
            requested_at_ms: self.requested_at_ms,
            requested_on: self.requested_on,
            deadline: self.deadline,
            deadline_basis: &self.deadline_basis,
            calendar_version: &self.calendar_version,
        }
    }

    /// What the device key signs: the JSON of every field but the signature.
    pub fn signed_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.unsigned()).expect("a request always serialises")
    }

    /// The request with its signature set by `sign` (Ed25519 over
    /// [`Self::signed_bytes`] by the key in `device_key`, hex), so the bytes
    /// signed and the bytes [`Self::verify`] checks come from one place.
    pub fn signed(mut self, sign: impl FnOnce(&[u8]) -> String) -> Self {
        self.signature = sign(&self.signed_bytes());
        self
    }

    /// Whether the signature verifies under the request's own device key.
    pub fn verify(&self) -> bool {
        let (Ok(key), Ok(sig)) = (hex::decode(&self.device_key), hex::decode(&self.signature))
        else {
            return false;
        };
        ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, key)
            .verify(&self.signed_bytes(), &sig)
            .is_ok()
    }

    /// Reads a pending request left in `dir`, if any.
    pub fn pending(dir: &Path) -> Result<Option<Self>, AppError> {
        match fs::read(dir.join(DELETION_REQUEST_FILE)) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|_| super::attendance::corrupt("the deletion request")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(_) => Err(AppError::Store(crate::store::StoreError::Io {
                reason: "the deletion request cannot be read".into(),
            })),
        }
    }
}

/// The deadline: `n` working days after `on`, or the policy's calendar-day
/// bound where the calendar does not reach. Refused (field `date`) only at the
/// end of the representable calendar.
pub fn deletion_deadline(
    calendar: &WorkCalendar,
    on: Date,
) -> Result<(Date, &'static str), AppError> {
    if let Ok(d) = calendar.add_working_days(on, DELETION_WORKING_DAYS) {
        return Ok((d, "working_days"));
    }
    on.checked_add(jiff::Span::new().days(FALLBACK_CALENDAR_DAYS))
        .map(|d| (d, "calendar_days"))
        .map_err(|_| AppError::InvalidInput {
            field: "date",
            reason: "is too close to the end of the calendar".into(),
        })
}

impl Phone {
    /// The working-day calendar in force: the newest of the bundled one and
    /// one delivered later (by sync or `update_calendar`).
    pub fn calendar(&self) -> Result<WorkCalendar, AppError> {
        let bundled = WorkCalendar::bundled();
        let Some(record) = self
            .store
            .latest_internal_record(DataCategory::Device, CALENDAR_KIND)?
        else {
            return Ok(bundled);
        };
        let stored = std::str::from_utf8(&record.value)
            .ok()
            .and_then(|t| WorkCalendar::from_toml(t).ok())
            .ok_or_else(|| super::attendance::corrupt("the stored calendar"))?;
        Ok(if stored.newer_than(&bundled) {
            stored
        } else {
            bundled
        })
    }

    /// Installs a newer working-day calendar (TOML, as in
    /// `core/calendars/cn.toml`) without a new release.
    pub fn update_calendar(&self, toml: &str, at_ms: i64) -> Result<WorkCalendar, AppError> {
        let calendar = WorkCalendar::from_toml(toml).map_err(|e| AppError::InvalidInput {
            field: "calendar",
            reason: e.to_string(),
        })?;
        if !calendar.newer_than(&self.calendar()?) {
            return Err(AppError::InvalidInput {
                field: "calendar",
                reason: "is not newer than the calendar in force".into(),
            });
        }
        self.store.put_internal_records(
            &[(DataCategory::Device, CALENDAR_KIND, toml.as_bytes())],
            at_ms,
        )?;
        Ok(calendar)
    }

    /// Deletes the account on this phone: every category key is shredded and
    /// the store removed; the signed request for the server is left in
    /// [`DELETION_REQUEST_FILE`] and returned.
    pub fn delete_account(&self, at_ms: i64) -> Result<(DeletionRequest, PathBuf), AppError> {
        let account_id = self.account_id(at_ms)?;
        let key = DeviceKey::load_or_create(&self.store)?;
        let on = local_date(at_ms)?;
        let calendar = self.calendar()?;
        let (deadline, basis) = deletion_deadline(&calendar, on)?;
        let request = DeletionRequest {
            v: 1,
            account_id,
            device_key: key.public_hex(),
            requested_at_ms: at_ms,
            requested_on: on,
            deadline,
            deadline_basis: basis.into(),
            calendar_version: calendar.version().into(),
            signature: String::new(),
        }
        .signed(|bytes| key.sign_hex(bytes));

        let dir = self.store.dir().to_path_buf();
        let path = dir.join(DELETION_REQUEST_FILE);
        // Written before the store goes, so a crash cannot lose the request.
        write_atomically(
            &path,
            &serde_json::to_vec_pretty(&request).expect("serialises"),
        )?;
        let rows = self.store.destroy()?;
        log::info!(
            "account deleted on the phone: {rows} rows shredded; server deadline {} ({})",
            request.deadline,
            request.deadline_basis
        );
        Ok((request, path))
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let io = |_| {
        AppError::Store(crate::store::StoreError::Io {
            reason: "the deletion request cannot be written".into(),
        })
    };
    let tmp = path.with_extension("json.tmp");
    let mut file = fs::File::create(&tmp).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    fs::rename(&tmp, path).map_err(io)?;
    Ok(())
}
