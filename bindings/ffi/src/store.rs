//! `LaowuStore`: the sealed store as the shells hold it.

use std::path::Path;
use std::sync::{Arc, Mutex};

use std::collections::BTreeSet;

use laowu_core::app::Phone;
use laowu_core::consent::Policy;
use laowu_core::store::{OpenMode, RecordId};
use zeroize::Zeroizing;

use crate::consent::{ConsentReceipt, ConsentView, ShreddedCategory, WithdrawalResult};
use crate::ledger::{LedgerCheck, LedgerRow, SdkStart};
use crate::vault::ForeignVault;
use crate::{DataCategory, KeyVault, LaowuError};
use laowu_core::ledger::LedgerQuery;

/// A record read back from the store.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SealedRecord {
    pub id: String,
    pub category: DataCategory,
    pub kind: String,
    pub value: String,
    /// When the recorded event happened, in milliseconds since the Unix epoch.
    pub at_ms: i64,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct CategoryStatus {
    pub category: DataCategory,
    pub key_present: bool,
    /// Records held (filled by `holdings`; 0 in `status`).
    pub records: u64,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct StoreStatus {
    pub path: String,
    pub schema_version: u32,
    pub categories: Vec<CategoryStatus>,
}

/// The phone's sealed store behind the consent gate.
#[derive(uniffi::Object)]
pub struct LaowuStore {
    pub(crate) phone: Phone,
    /// Held by every call that talks to the server (see `sync.rs`).
    pub(crate) server_calls: Mutex<()>,
}

#[uniffi::export]
impl LaowuStore {
    /// Opens the store in `dir`, creating it and its keys if absent. Fails with
    /// `WrongKey` / `KeyUnavailable` if the vault cannot open an existing key,
    /// in which case nothing in `dir` is changed.
    #[uniffi::constructor]
    pub fn open(dir: String, vault: Arc<dyn KeyVault>) -> Result<Arc<Self>, LaowuError> {
        let vault = Arc::new(ForeignVault(vault));
        let phone = Phone::open(Path::new(&dir), vault, OpenMode::Create, Policy::bundled())?;
        Ok(Arc::new(Self {
            phone,
            server_calls: Mutex::new(()),
        }))
    }

    /// The gate's state and each purpose of the current policy with its grant.
    pub fn consent(&self) -> ConsentView {
        self.phone.consent_status().into()
    }

    /// The policy in force: its text, each purpose's terms and every
    /// third-party SDK it discloses.
    pub fn policy(&self) -> crate::consent::PolicyView {
        self.phone.gate().policy().into()
    }

    /// Grants exactly `purposes` among those to decide (others are refused)
    /// and opts into any other optional purpose named. Nothing is pre-granted.
    pub fn accept(&self, purposes: Vec<String>, at_ms: i64) -> Result<ConsentView, LaowuError> {
        let granted: BTreeSet<String> = purposes.into_iter().collect();
        Ok(self.phone.decide(&granted, at_ms)?.into())
    }

    /// Withdraws an optional purpose: collection stops at once and the data
    /// categories only it used are shredded.
    pub fn withdraw(&self, purpose: String, at_ms: i64) -> Result<WithdrawalResult, LaowuError> {
        let w = self.phone.withdraw(&purpose, at_ms)?;
        Ok(WithdrawalResult {
            shredded: w
                .shredded
                .into_iter()
                .map(|(category, rows_removed)| ShreddedCategory {
                    category: category.into(),
                    rows_removed,
                })
                .collect(),
            purpose_rows_removed: w.purpose_rows_removed,
        })
    }

    /// Whether the shell may initialise `sdk` now (only while a purpose using
    /// it is granted). Every answer is a ledger entry.
    pub fn may_start(&self, sdk: String, at_ms: i64) -> Result<SdkStart, LaowuError> {
        let d = self.phone.may_start(&sdk, at_ms)?;
        Ok(SdkStart {
            allowed: d.allowed,
            purpose: d.purpose,
            ledger_seq: d.seq.get(),
        })
    }

    /// Records an access the shell made for `purpose` (`accessor` is
    /// `sdk:<id>` or `capability:<name>`). `ConsentRequired` (and recorded as
    /// refused) unless the purpose is granted and covers `category`.
    pub fn record_access(
        &self,
        accessor: String,
        purpose: String,
        category: DataCategory,
        detail: Option<String>,
        at_ms: i64,
    ) -> Result<u64, LaowuError> {
        let seq = self.phone.record_access(
            &accessor,
            &purpose,
            category.into(),
            detail.as_deref(),
            at_ms,
        )?;
        Ok(seq.get())
    }

    /// Every ledger entry, oldest first.
    pub fn ledger(&self) -> Result<Vec<LedgerRow>, LaowuError> {
        let rows = self
            .phone
            .store()
            .ledger_entries(&LedgerQuery::all())
            .map_err(laowu_core::app::AppError::from)?;
        Ok(rows.into_iter().map(LedgerRow::from).collect())
    }

    /// Checks every seal, link and the head; `StoreCorrupt` names the first problem.
    pub fn verify_ledger(&self) -> Result<LedgerCheck, LaowuError> {
        let r = self
            .phone
            .store()
            .verify_ledger()
            .map_err(laowu_core::app::AppError::from)?;
        Ok(LedgerCheck {
            count: r.count,
            head_hash: r.head_hash.to_hex(),
        })
    }

    /// How many records each category holds (the privacy centre's "what is held where").
    pub fn holdings(&self) -> Result<Vec<CategoryStatus>, LaowuError> {
        let counts = self.phone.store().record_counts()?;
        Ok(self
            .status()?
            .categories
            .into_iter()
            .map(|mut c| {
                let core: laowu_core::store::DataCategory = c.category.into();
                c.records = counts
                    .iter()
                    .find(|(k, _)| *k == core)
                    .map_or(0, |(_, n)| *n);
                c
            })
            .collect())
    }

    /// Everything the phone holds about the user, as one JSON document.
    pub fn export(&self, at_ms: i64) -> Result<String, LaowuError> {
        Ok(self.phone.export(at_ms)?.to_string())
    }

    /// Every signed consent receipt, oldest first.
    pub fn receipts(&self) -> Result<Vec<ConsentReceipt>, LaowuError> {
        Ok(self
            .phone
            .receipts()?
            .into_iter()
            .map(|(r, valid)| ConsentReceipt::from_core(r, valid))
            .collect())
    }

    /// Seals and stores `value`, collected for `purpose`; returns the new
    /// record's id. `ConsentRequired` unless the user granted the purpose.
    pub fn put(
        &self,
        purpose: String,
        category: DataCategory,
        kind: String,
        value: String,
        at_ms: i64,
    ) -> Result<String, LaowuError> {
        // The shell's copy is the shell's to clear; ours is zeroized on drop.
        let value = Zeroizing::new(value);
        let id = self.phone.put(
            &purpose,
            category.into(),
            &kind,
            value.as_bytes(),
            at_ms,
            false,
        )?;
        Ok(id.to_string())
    }

    /// The record with this id, or nothing if it does not exist (or was shredded).
    pub fn get(&self, id: String) -> Result<Option<SealedRecord>, LaowuError> {
        let id = RecordId::parse(&id)?;
        self.phone.store().get_record(&id)?.map(to_ffi).transpose()
    }

    /// Every record of `category`, in the order written.
    pub fn list(&self, category: DataCategory) -> Result<Vec<SealedRecord>, LaowuError> {
        self.phone
            .store()
            .list_records(category.into())?
            .into_iter()
            .map(to_ffi)
            .collect()
    }

    /// Destroys `category`'s key and rows; returns the number of rows removed.
    pub fn shred(&self, category: DataCategory) -> Result<u64, LaowuError> {
        Ok(self.phone.store().shred(category.into())?)
    }

    pub fn status(&self) -> Result<StoreStatus, LaowuError> {
        let status = self.phone.store().status()?;
        Ok(StoreStatus {
            path: status.path.display().to_string(),
            schema_version: status.schema_version,
            categories: status
                .keys
                .into_iter()
                .map(|(category, key_present)| CategoryStatus {
                    category: category.into(),
                    key_present,
                    records: 0,
                })
                .collect(),
        })
    }
}

fn to_ffi(record: laowu_core::store::Record) -> Result<SealedRecord, LaowuError> {
    let value = String::from_utf8(record.value.to_vec()).map_err(|_| LaowuError::InvalidInput {
        field: "value".into(),
        reason: "the stored value is not text".into(),
    })?;
    Ok(SealedRecord {
        id: record.id.to_string(),
        category: record.category.into(),
        kind: record.kind,
        value,
        at_ms: record.at_ms,
    })
}
