//! The unwrapped data keys of an open store, one per category.
//!
//! On disk each key exists only wrapped by the vault, next to a canary sealed
//! with it: opening the canary proves the vault returned the right key before
//! any data is read or written.

use std::collections::BTreeMap;
use std::sync::Arc;

use ring::rand::SystemRandom;
use rusqlite::{Connection, OptionalExtension, params};

use super::aead::{DataKey, Slot};
use super::error::{Result, StoreError};
use super::{DataCategory, KeyVault, VaultError};

const CANARY: &[u8] = b"laowu canary v1";

fn canary_slot(category: DataCategory) -> Slot<'static> {
    Slot {
        table: "data_key",
        column: "canary",
        row: category.as_str(),
    }
}

fn vault_error(category: DataCategory, e: VaultError) -> StoreError {
    match e {
        VaultError::Rejected { .. } => StoreError::WrongKey { category },
        VaultError::Unavailable { reason } => StoreError::KeyUnavailable { category, reason },
    }
}

#[derive(Default)]
pub struct Keyring {
    keys: BTreeMap<DataCategory, Arc<DataKey>>,
}

impl Keyring {
    /// Unwraps every stored key and checks its canary. Reads only: a wrong key
    /// fails here, before anything is written.
    pub fn unlock(conn: &Connection, vault: &dyn KeyVault) -> Result<Self> {
        let mut stmt = conn.prepare("SELECT category, wrapped, canary FROM data_key")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        let mut keys = BTreeMap::new();
        for row in rows {
            let (name, wrapped, canary) = row?;
            let category: DataCategory = name.parse().map_err(|_| StoreError::Corrupt {
                reason: "data_key names an unknown category".into(),
            })?;
            let raw = vault
                .unwrap(category, &wrapped)
                .map_err(|e| vault_error(category, e))?;
            let key = DataKey::from_bytes(&raw).ok_or(StoreError::WrongKey { category })?;
            key.open(canary_slot(category), &canary)
                .map_err(|_| StoreError::WrongKey { category })?;
            keys.insert(category, Arc::new(key));
        }
        Ok(Self { keys })
    }

    pub fn get(&self, category: DataCategory) -> Option<Arc<DataKey>> {
        self.keys.get(&category).cloned()
    }

    pub fn contains(&self, category: DataCategory) -> bool {
        self.keys.contains_key(&category)
    }

    /// The category's key, creating, wrapping and storing a new one if there is
    /// none. Call inside the write transaction that will use it; insert the key
    /// into the ring with [`Keyring::insert`] only after that transaction commits.
    pub fn get_or_create(
        &self,
        conn: &Connection,
        vault: &dyn KeyVault,
        rng: &SystemRandom,
        category: DataCategory,
    ) -> Result<(Arc<DataKey>, bool)> {
        if let Some(key) = self.get(category) {
            return Ok((key, false));
        }
        let existing: Option<i64> = conn
            .query_row(
                "SELECT 1 FROM data_key WHERE category = ?1",
                [category.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        if existing.is_some() {
            return Err(StoreError::Corrupt {
                reason: "a data key appeared while the store was open".into(),
            });
        }
        let key = DataKey::generate(rng);
        let wrapped = vault
            .wrap(category, key.raw())
            .map_err(|e| vault_error(category, e))?;
        let canary = key.seal(rng, canary_slot(category), CANARY);
        conn.execute(
            "INSERT INTO data_key (category, wrapped, canary) VALUES (?1, ?2, ?3)",
            params![category.as_str(), wrapped, canary],
        )?;
        Ok((Arc::new(key), true))
    }

    pub fn insert(&mut self, category: DataCategory, key: Arc<DataKey>) {
        self.keys.insert(category, key);
    }

    pub fn remove(&mut self, category: DataCategory) {
        self.keys.remove(&category);
    }
}
