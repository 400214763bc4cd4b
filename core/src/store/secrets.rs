//! The core's own secrets (the device signing key), sealed in `meta` under a
//! category's key. They are not records: no record API lists, exports or
//! returns them, and shredding their category destroys them with it.

use rusqlite::{OptionalExtension, params};
use zeroize::Zeroizing;

use super::aead::Slot;
use super::error::{Result, StoreError};
use super::{DataCategory, Store};

fn row_name(category: DataCategory, name: &str) -> String {
    format!("secret:{category}:{name}")
}

/// The `meta` names of a category's secrets, for shredding.
pub(super) fn pattern(category: DataCategory) -> String {
    format!("secret:{category}:%")
}

impl Store {
    /// Seals and stores (or replaces) a secret under `category`'s key.
    pub(crate) fn put_secret(
        &self,
        category: DataCategory,
        name: &str,
        value: &[u8],
    ) -> Result<()> {
        self.write(|tx, keys, store| store.insert_secret_in(tx, keys, category, name, value))
    }

    /// Seals and stores (or replaces) a secret inside a caller's transaction.
    pub(super) fn insert_secret_in(
        &self,
        tx: &rusqlite::Transaction<'_>,
        keys: &mut super::PendingKeys<'_>,
        category: DataCategory,
        name: &str,
        value: &[u8],
    ) -> Result<()> {
        let row = row_name(category, name);
        let key = self.key_for(tx, keys, category)?;
        let sealed = key.seal(&self.rng, slot(&row), value);
        tx.execute(
            "INSERT OR REPLACE INTO meta (name, value) VALUES (?1, ?2)",
            params![row, sealed],
        )?;
        Ok(())
    }

    /// The secret, if it exists (and its category has not been shredded).
    pub(crate) fn get_secret(
        &self,
        category: DataCategory,
        name: &str,
    ) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let row = row_name(category, name);
        self.read(|conn, keys| {
            let sealed: Option<Vec<u8>> = conn
                .query_row("SELECT value FROM meta WHERE name = ?1", [&row], |r| {
                    r.get(0)
                })
                .optional()?;
            let (Some(sealed), Some(key)) = (sealed, keys.get(category)) else {
                return Ok(None);
            };
            key.open(slot(&row), &sealed)
                .map(Some)
                .map_err(|_| StoreError::Tampered {
                    table: "meta",
                    column: "value",
                })
        })
    }
}

fn slot(row: &str) -> Slot<'_> {
    Slot {
        table: "meta",
        column: "value",
        row,
    }
}
