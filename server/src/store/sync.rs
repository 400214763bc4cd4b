//! Sync: sites, pushed items, attendance events and their chains, policies,
//! and the retention purge of raw coordinates.

use super::StoreFuture;

/// A work site as the operator added it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteRecord {
    pub id: String,
    /// The site spec as JSON text (the phone's `site add --file` format).
    pub spec: String,
    /// IANA name, e.g. `Asia/Shanghai`: attendance days are counted in it.
    pub time_zone: String,
}

/// Whether a write created a row or replaced one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Created,
    Replaced,
}

/// One pushed item after the checks that need no stored state (signature,
/// hash, shape). Sealed values are sealed already: the store sees no
/// coordinates, names or receipts in clear.
pub enum Incoming {
    /// Refused before reaching the store. `attendance` says whether it was a
    /// link of the chain, so the links after it in the batch are refused too.
    Refused {
        code: &'static str,
        reason: &'static str,
        attendance: bool,
    },
    Attendance(AttendanceRow),
    Other(ItemRow),
}

pub struct AttendanceRow {
    pub event_id: String,
    pub seq: u64,
    pub prev_hash: String,
    pub event_hash: String,
    pub site_id: String,
    /// YYYY-MM-DD in the site's time zone: the working day it counts for.
    pub day: String,
    /// `check_in` or `makeup`.
    pub kind: &'static str,
    pub at_ms: i64,
    pub needs_review: bool,
    pub event_sealed: Vec<u8>,
    /// The raw fix, until the retention period ends.
    pub fix_sealed: Option<Vec<u8>>,
}

pub struct ItemRow {
    pub key: String,
    pub stream: &'static str,
    /// SHA-256 of what was signed: a resend with the same key must match it.
    pub content_hash: Vec<u8>,
    pub payload_sealed: Vec<u8>,
}

/// One push, as the store takes it.
pub struct PushBatch {
    pub device_id: String,
    pub account_id: String,
    pub received_ms: i64,
    pub items: Vec<Incoming>,
}

/// What became of one item; refusals carry the protocol's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ingested {
    Accepted,
    Duplicate,
    Refused {
        code: &'static str,
        reason: &'static str,
    },
}

/// A supervisor's decision as phones pull it.
#[derive(Debug, Clone)]
pub struct DecisionRecord {
    pub cursor: u64,
    pub event_id: String,
    pub approved: bool,
    pub note_sealed: Option<Vec<u8>>,
    pub decided_ms: i64,
    pub signature: String,
}

pub trait SyncStore {
    /// The public key of the account's device, or `None` when the device is
    /// not the account's.
    fn device_key(&self, account_id: String, device_id: String)
    -> StoreFuture<'_, Option<Vec<u8>>>;

    /// Stores a push in one transaction, item by item in order: a key seen
    /// before is a duplicate when its content matches, else refused; an
    /// attendance event must follow the device's chain head (or the event
    /// accepted just before it in the batch). A crash before commit stores
    /// nothing, so the phone's resend finds nothing half-done.
    fn ingest(&self, batch: PushBatch) -> StoreFuture<'_, Vec<Ingested>>;

    /// Adds or replaces a site.
    fn put_site(&self, site: SiteRecord, now_ms: i64) -> StoreFuture<'_, Upserted>;

    /// Every site, by id.
    fn sites(&self) -> StoreFuture<'_, Vec<SiteRecord>>;

    /// The time zones of those of `ids` that are known sites.
    fn site_time_zones(&self, ids: Vec<String>) -> StoreFuture<'_, Vec<(String, String)>>;

    /// Publishes a policy version; publishing the same version again with
    /// different text is refused (`Duplicate`), since phones hold receipts
    /// naming it.
    fn publish_policy(
        &self,
        version: String,
        text: String,
        now_ms: i64,
    ) -> StoreFuture<'_, super::Inserted>;

    /// The most recently published policy: (version, text).
    fn latest_policy(&self) -> StoreFuture<'_, Option<(String, String)>>;

    /// Decisions on the account's events after `cursor`, oldest first.
    fn decisions_after(
        &self,
        account_id: String,
        cursor: u64,
        limit: u32,
    ) -> StoreFuture<'_, Vec<DecisionRecord>>;

    /// Deletes the raw fixes of check-ins made before `cutoff_ms`,
    /// except those still waiting for a supervisor's decision. Returns how
    /// many were deleted.
    fn purge_fixes(&self, cutoff_ms: i64) -> StoreFuture<'_, u64>;
}
