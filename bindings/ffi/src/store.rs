//! `LaowuStore`: the sealed store as the shells hold it.

use std::path::Path;
use std::sync::Arc;

use laowu_core::store::{OpenMode, RecordId, Store};
use zeroize::Zeroizing;

use crate::vault::ForeignVault;
use crate::{DataCategory, KeyVault, LaowuError};

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
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct StoreStatus {
    pub path: String,
    pub schema_version: u32,
    pub categories: Vec<CategoryStatus>,
}

/// The phone's sealed store.
#[derive(uniffi::Object)]
pub struct LaowuStore {
    store: Store,
}

#[uniffi::export]
impl LaowuStore {
    /// Opens the store in `dir`, creating it and its keys if absent. Fails with
    /// `WrongKey` / `KeyUnavailable` if the vault cannot open an existing key,
    /// in which case nothing in `dir` is changed.
    #[uniffi::constructor]
    pub fn open(dir: String, vault: Arc<dyn KeyVault>) -> Result<Arc<Self>, LaowuError> {
        let vault = Arc::new(ForeignVault(vault));
        let store = Store::open(Path::new(&dir), vault, OpenMode::Create)?;
        Ok(Arc::new(Self { store }))
    }

    /// Seals and stores `value`; returns the new record's id.
    pub fn put(
        &self,
        category: DataCategory,
        kind: String,
        value: String,
        at_ms: i64,
    ) -> Result<String, LaowuError> {
        // The shell's copy is the shell's to clear; ours is zeroized on drop.
        let value = Zeroizing::new(value);
        let id = self
            .store
            .put_record(category.into(), &kind, value.as_bytes(), at_ms, false)?;
        Ok(id.to_string())
    }

    /// The record with this id, or nothing if it does not exist (or was shredded).
    pub fn get(&self, id: String) -> Result<Option<SealedRecord>, LaowuError> {
        let id = RecordId::parse(&id)?;
        self.store.get_record(&id)?.map(to_ffi).transpose()
    }

    /// Every record of `category`, in the order written.
    pub fn list(&self, category: DataCategory) -> Result<Vec<SealedRecord>, LaowuError> {
        self.store
            .list_records(category.into())?
            .into_iter()
            .map(to_ffi)
            .collect()
    }

    /// Destroys `category`'s key and rows; returns the number of rows removed.
    pub fn shred(&self, category: DataCategory) -> Result<u64, LaowuError> {
        Ok(self.store.shred(category.into())?)
    }

    pub fn status(&self) -> Result<StoreStatus, LaowuError> {
        let status = self.store.status()?;
        Ok(StoreStatus {
            path: status.path.display().to_string(),
            schema_version: status.schema_version,
            categories: status
                .keys
                .into_iter()
                .map(|(category, key_present)| CategoryStatus {
                    category: category.into(),
                    key_present,
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
