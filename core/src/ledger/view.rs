//! What the ledger shows: entries read back with their seq and hash, filters,
//! and the JSON export a worker or a regulator receives.

use std::ops::{Bound, RangeBounds};

use serde::Serialize;

use super::chain::{LedgerHash, LedgerSeq};
use super::entry::LedgerEntry;
use super::registry::Accessor;
use crate::store::DataCategory;

/// The name and version of the export's JSON shape.
pub const EXPORT_FORMAT: &str = "laowu.ledger.export.v1";

/// An entry read back from the store: its seq, its hash (the link the next
/// entry holds) and the entry. Serialises flat:
/// `{"seq", "hash", "accessor", "category", "purpose", "policy_version",
/// "at_ms", "outcome", "detail"?}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LedgerRecord {
    pub seq: LedgerSeq,
    pub hash: LedgerHash,
    #[serde(flatten)]
    pub entry: LedgerEntry,
}

/// Which entries [`crate::store::Store::ledger_entries`] returns: a range of
/// seqs (all by default), optionally only one accessor and/or one category.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerQuery {
    first: u64,
    last: u64,
    accessor: Option<Accessor>,
    category: Option<DataCategory>,
}

impl Default for LedgerQuery {
    fn default() -> Self {
        Self::all()
    }
}

impl LedgerQuery {
    /// Every entry.
    pub fn all() -> Self {
        Self {
            first: 1,
            last: u64::MAX,
            accessor: None,
            category: None,
        }
    }

    /// The entries whose seq is in `range` (`3..=7`, `10..`, ...).
    pub fn seqs(range: impl RangeBounds<u64>) -> Self {
        let first = match range.start_bound() {
            Bound::Included(&s) => s,
            Bound::Excluded(&s) => s.saturating_add(1),
            Bound::Unbounded => 1,
        };
        let last = match range.end_bound() {
            Bound::Included(&e) => e,
            Bound::Excluded(&0) => 0,
            Bound::Excluded(&e) => e - 1,
            Bound::Unbounded => u64::MAX,
        };
        Self {
            first: first.max(1),
            last,
            ..Self::all()
        }
    }

    /// Only entries of this accessor.
    pub fn accessor(mut self, accessor: Accessor) -> Self {
        self.accessor = Some(accessor);
        self
    }

    /// Only entries about this category of data.
    pub fn category(mut self, category: DataCategory) -> Self {
        self.category = Some(category);
        self
    }

    pub(crate) fn first(&self) -> u64 {
        self.first
    }

    pub(crate) fn last(&self) -> u64 {
        self.last
    }

    pub(crate) fn is_empty_range(&self) -> bool {
        self.first > self.last
    }

    pub(crate) fn matches(&self, entry: &LedgerEntry) -> bool {
        self.accessor.as_ref().is_none_or(|a| a == entry.accessor())
            && self.category.is_none_or(|c| c == entry.category())
    }
}

/// Every entry of a verified ledger, with the head it ends in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LedgerExport {
    /// Always [`EXPORT_FORMAT`].
    pub format: &'static str,
    pub count: u64,
    pub head_hash: LedgerHash,
    pub entries: Vec<LedgerRecord>,
}

impl LedgerExport {
    /// The export as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("ledger exports always serialise")
    }
}
