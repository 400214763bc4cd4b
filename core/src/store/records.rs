//! Sealed records: personal values, each with a category, a kind and the time
//! of the event it records. Value and time are sealed; the kind and category
//! stay clear so records can be listed and shredded without a key.

use std::fmt;

use rusqlite::{OptionalExtension, Row, params};
use zeroize::Zeroizing;

use super::aead::{DataKey, Slot, random_id};
use super::error::{Result, StoreError};
use super::keyring::Keyring;
use super::{DataCategory, Store};
use crate::consent::Permit;

const TABLE: &str = "record";
const MAX_KIND_LEN: usize = 64;
/// Values up to 1 MiB: enough for an ID card photo thumbnail; larger blobs
/// belong in sealed files, not rows.
pub const MAX_VALUE_LEN: usize = 1 << 20;

/// A record's random identifier (128 bits, hex).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RecordId(String);

impl RecordId {
    /// Parses an id as printed by [`RecordId::as_str`].
    pub fn parse(s: &str) -> Result<Self> {
        if s.len() == 32
            && s.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            Ok(Self(s.to_string()))
        } else {
            Err(StoreError::InvalidInput {
                field: "id",
                reason: "must be 32 lowercase hexadecimal characters".into(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A record read back from the store. Its value is zeroized on drop and never
/// printed by `Debug`.
pub struct Record {
    pub id: RecordId,
    pub category: DataCategory,
    pub kind: String,
    pub value: Zeroizing<Vec<u8>>,
    /// When the recorded event happened, in milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// The purpose it was collected for; `None` for the core's own records
    /// (consent decisions and receipts), which no permit can write.
    pub purpose: Option<String>,
}

impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("id", &self.id)
            .field("category", &self.category)
            .field("kind", &self.kind)
            .field(
                "value",
                &format_args!("<{} sealed bytes>", self.value.len()),
            )
            .finish_non_exhaustive()
    }
}

fn slot<'a>(column: &'static str, id: &'a str) -> Slot<'a> {
    Slot {
        table: TABLE,
        column,
        row: id,
    }
}

fn check_value(value: &[u8]) -> Result<()> {
    if value.len() > MAX_VALUE_LEN {
        return Err(StoreError::InvalidInput {
            field: "value",
            reason: format!("must be at most {MAX_VALUE_LEN} bytes"),
        });
    }
    Ok(())
}

fn check_covered(permit: &Permit<'_>, category: DataCategory) -> Result<()> {
    if permit.covers(category) {
        return Ok(());
    }
    Err(StoreError::InvalidInput {
        field: "category",
        reason: format!(
            "the purpose {} does not cover {category} data",
            permit.purpose()
        ),
    })
}

fn check_kind(kind: &str) -> Result<()> {
    let ok = !kind.is_empty()
        && kind.len() <= MAX_KIND_LEN
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(StoreError::InvalidInput {
            field: "kind",
            reason: format!("must be 1 to {MAX_KIND_LEN} characters of a-z, 0-9, '_', '.', '-'"),
        })
    }
}

impl Store {
    /// Seals and stores a value. `lookup`, if set, stores a keyed hash of it so
    /// [`Store::find_records`] can find the record by value.
    ///
    /// Storing personal data needs a [`Permit`] from the consent gate for a
    /// purpose that covers `category`.
    pub fn put_record(
        &self,
        permit: &Permit<'_>,
        category: DataCategory,
        kind: &str,
        value: &[u8],
        at_ms: i64,
        lookup: bool,
    ) -> Result<RecordId> {
        check_covered(permit, category)?;
        check_kind(kind)?;
        check_value(value)?;
        let purpose = Some(permit.purpose().as_str());
        log::trace!(
            "sealing a {kind} record ({} bytes) in {category}",
            value.len()
        );
        self.write(|tx, keys, store| {
            store.insert_in(tx, keys, purpose, category, kind, value, at_ms, lookup)
        })
    }

    /// Seals and stores several records collected under one permit and a
    /// secret of the core's (a chain head) in one transaction: all or none, so
    /// a crash never leaves a record without its head or the reverse.
    pub fn put_records_with_secret(
        &self,
        permit: &Permit<'_>,
        records: &[(DataCategory, &str, &[u8])],
        at_ms: i64,
        secret: (DataCategory, &str, &[u8]),
    ) -> Result<Vec<RecordId>> {
        for (category, kind, value) in records {
            check_covered(permit, *category)?;
            check_kind(kind)?;
            check_value(value)?;
        }
        let purpose = Some(permit.purpose().as_str());
        self.write(|tx, keys, store| {
            let ids = records
                .iter()
                .map(|(category, kind, value)| {
                    store.insert_in(tx, keys, purpose, *category, kind, value, at_ms, false)
                })
                .collect::<Result<Vec<_>>>()?;
            let (category, name, value) = secret;
            store.insert_secret_in(tx, keys, category, name, value)?;
            Ok(ids)
        })
    }

    /// Records of `kind` in `category`, oldest first.
    pub fn records_of_kind(&self, category: DataCategory, kind: &str) -> Result<Vec<Record>> {
        check_kind(kind)?;
        self.read(|conn, keys| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, category, kind, value, at, purpose FROM record
                 WHERE category = ?1 AND kind = ?2 ORDER BY seq",
            )?;
            let raws = stmt
                .query_map(params![category.as_str(), kind], RawRecord::from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            open_all(raws, keys)
        })
    }

    /// The newest `limit` records of `kind` in `category`, oldest first: what
    /// a check-in needs of the history, read without decrypting all of it.
    pub fn recent_records_of_kind(
        &self,
        category: DataCategory,
        kind: &str,
        limit: usize,
    ) -> Result<Vec<Record>> {
        check_kind(kind)?;
        self.read(|conn, keys| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, category, kind, value, at, purpose FROM record
                 WHERE category = ?1 AND kind = ?2 ORDER BY seq DESC LIMIT ?3",
            )?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let mut raws = stmt
                .query_map(params![category.as_str(), kind, limit], RawRecord::from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            raws.reverse();
            open_all(raws, keys)
        })
    }

    /// Deletes the records with these ids (retention: raw coordinates past
    /// their period); returns how many existed.
    pub fn delete_records(&self, ids: &[RecordId]) -> Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let removed = self.write(|tx, _, _| {
            let mut stmt = tx.prepare_cached("DELETE FROM record WHERE id = ?1")?;
            let mut n = 0;
            for id in ids {
                n += stmt.execute([id.as_str()])? as u64;
            }
            Ok(n)
        })?;
        self.checkpoint()?;
        Ok(removed)
    }

    /// Deletes every record collected for `purpose` (a withdrawal), whatever
    /// its category; returns how many. With secure_delete and a truncated WAL
    /// nothing of them remains on disk.
    pub fn delete_purpose_records(&self, purpose: &str) -> Result<u64> {
        let removed = self.write(|tx, _, _| {
            Ok(tx.execute("DELETE FROM record WHERE purpose = ?1", [purpose])? as u64)
        })?;
        self.checkpoint()?;
        Ok(removed)
    }

    /// Stores records the core keeps for itself without a purpose, in one
    /// transaction (all or none): the consent decision and its receipt, which
    /// the law requires keeping. Crate-private, so collection from outside the
    /// core always goes through a permit.
    pub(crate) fn put_internal_records(
        &self,
        records: &[(DataCategory, &str, &[u8])],
        at_ms: i64,
    ) -> Result<Vec<RecordId>> {
        for (_, kind, value) in records {
            check_kind(kind)?;
            check_value(value)?;
        }
        self.write(|tx, keys, store| {
            records
                .iter()
                .map(|(category, kind, value)| {
                    store.insert_in(tx, keys, None, *category, kind, value, at_ms, false)
                })
                .collect()
        })
    }

    /// The core's own records of `kind` in `category`, oldest first. Records
    /// written under a permit never match, whatever kind they claim.
    pub(crate) fn internal_records(
        &self,
        category: DataCategory,
        kind: &str,
    ) -> Result<Vec<Record>> {
        self.read(|conn, keys| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, category, kind, value, at, purpose FROM record
                 WHERE category = ?1 AND kind = ?2 AND purpose IS NULL ORDER BY seq",
            )?;
            let raws = stmt
                .query_map(params![category.as_str(), kind], RawRecord::from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            open_all(raws, keys)
        })
    }

    /// The newest of the core's own records of `kind` in `category`.
    pub(crate) fn latest_internal_record(
        &self,
        category: DataCategory,
        kind: &str,
    ) -> Result<Option<Record>> {
        self.read(|conn, keys| {
            let raw = conn
                .query_row(
                    "SELECT id, category, kind, value, at, purpose FROM record
                     WHERE category = ?1 AND kind = ?2 AND purpose IS NULL ORDER BY seq DESC LIMIT 1",
                    params![category.as_str(), kind],
                    RawRecord::from_row,
                )
                .optional()?;
            raw.map(|raw| raw.open(keys)).transpose().map(Option::flatten)
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_in(
        &self,
        tx: &rusqlite::Transaction<'_>,
        keys: &mut super::PendingKeys<'_>,
        purpose: Option<&str>,
        category: DataCategory,
        kind: &str,
        value: &[u8],
        at_ms: i64,
        lookup: bool,
    ) -> Result<RecordId> {
        let key = self.key_for(tx, keys, category)?;
        let id = random_id::<16>(&self.rng);
        let sealed_value = key.seal(&self.rng, slot("value", &id), value);
        let sealed_at = key.seal(&self.rng, slot("at", &id), &at_ms.to_be_bytes());
        let hash = lookup.then(|| key.lookup(kind, value));
        tx.prepare_cached(
            "INSERT INTO record (id, category, kind, value, at, lookup, purpose) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![id, category.as_str(), kind, sealed_value, sealed_at, hash, purpose])?;
        Ok(RecordId(id))
    }

    /// How many records each category holds (categories with none are absent),
    /// for the privacy centre's "what is held where".
    pub fn record_counts(&self) -> Result<Vec<(DataCategory, u64)>> {
        self.read(|conn, _| {
            let mut stmt =
                conn.prepare("SELECT category, count(*) FROM record GROUP BY category")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            let mut out = Vec::new();
            for row in rows {
                let (name, count) = row?;
                let category = name.parse().map_err(|_| StoreError::Corrupt {
                    reason: "record names an unknown category".into(),
                })?;
                out.push((category, count as u64));
            }
            out.sort();
            Ok(out)
        })
    }

    /// The record with this id, if it exists.
    pub fn get_record(&self, id: &RecordId) -> Result<Option<Record>> {
        self.read(|conn, keys| {
            let row = conn
                .query_row(
                    "SELECT id, category, kind, value, at, purpose FROM record WHERE id = ?1",
                    [id.as_str()],
                    RawRecord::from_row,
                )
                .optional()?;
            row.map(|raw| raw.open(keys))
                .transpose()
                .map(Option::flatten)
        })
    }

    /// Every record of a category, in the order they were written.
    pub fn list_records(&self, category: DataCategory) -> Result<Vec<Record>> {
        self.read(|conn, keys| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, category, kind, value, at, purpose FROM record WHERE category = ?1 ORDER BY seq",
            )?;
            let raws = stmt
                .query_map([category.as_str()], RawRecord::from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            open_all(raws, keys)
        })
    }

    /// Records of `kind` whose value equals `value`, found by keyed hash.
    pub fn find_records(
        &self,
        category: DataCategory,
        kind: &str,
        value: &[u8],
    ) -> Result<Vec<Record>> {
        check_kind(kind)?;
        self.read(|conn, keys| {
            let Some(key) = keys.get(category) else {
                return Ok(Vec::new());
            };
            let hash = key.lookup(kind, value);
            let mut stmt = conn.prepare_cached(
                "SELECT id, category, kind, value, at, purpose FROM record
                 WHERE category = ?1 AND kind = ?2 AND lookup = ?3 ORDER BY seq",
            )?;
            let raws = stmt
                .query_map(params![category.as_str(), kind, hash], RawRecord::from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            open_all(raws, keys)
        })
    }
}

pub(super) fn open_all(raws: Vec<RawRecord>, keys: &Keyring) -> Result<Vec<Record>> {
    let mut out = Vec::with_capacity(raws.len());
    for raw in raws {
        out.extend(raw.open(keys)?);
    }
    Ok(out)
}

pub(super) struct RawRecord {
    id: String,
    category: String,
    kind: String,
    value: Vec<u8>,
    at: Vec<u8>,
    purpose: Option<String>,
}

impl RawRecord {
    pub(super) fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            category: r.get(1)?,
            kind: r.get(2)?,
            value: r.get(3)?,
            at: r.get(4)?,
            purpose: r.get(5)?,
        })
    }

    /// Opens the sealed columns. `None` if the category has no key (shredded).
    fn open(self, keys: &Keyring) -> Result<Option<Record>> {
        let category: DataCategory = self.category.parse().map_err(|_| StoreError::Corrupt {
            reason: "record names an unknown category".into(),
        })?;
        let Some(key) = keys.get(category) else {
            return Ok(None);
        };
        let value = open_column(&key, "value", &self.id, &self.value)?;
        let at = open_column(&key, "at", &self.id, &self.at)?;
        let at_ms = <[u8; 8]>::try_from(at.as_slice())
            .map(i64::from_be_bytes)
            .map_err(|_| StoreError::Tampered {
                table: TABLE,
                column: "at",
            })?;
        Ok(Some(Record {
            id: RecordId(self.id),
            category,
            kind: self.kind,
            value,
            at_ms,
            purpose: self.purpose,
        }))
    }
}

fn open_column(
    key: &DataKey,
    column: &'static str,
    id: &str,
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    key.open(slot(column, id), sealed)
        .map_err(|_| StoreError::Tampered {
            table: TABLE,
            column,
        })
}
