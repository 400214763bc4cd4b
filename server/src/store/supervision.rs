//! Supervision: who supervises which site, the attendance a supervisor
//! reviews, and decisions.

use super::StoreFuture;

/// An attendance event as a review needs it: sealed, with what joins to it.
#[derive(Debug, Clone)]
pub struct ReviewRow {
    pub event_id: String,
    /// `None` once the worker's account was deleted (anonymised).
    pub account_id: Option<String>,
    /// The worker's sealed name, when registered with one.
    pub name_sealed: Option<Vec<u8>>,
    pub site_id: String,
    pub day: String,
    pub needs_review: bool,
    pub event_sealed: Vec<u8>,
    pub decision: Option<StoredDecision>,
}

#[derive(Debug, Clone)]
pub struct StoredDecision {
    pub cursor: u64,
    pub approved: bool,
    pub note_sealed: Option<Vec<u8>>,
}

pub struct NewDecision {
    pub event_id: String,
    pub approved: bool,
    pub note_sealed: Option<Vec<u8>>,
    pub supervisor_id: String,
    pub decided_ms: i64,
    /// The server's signature over what the phone verifies.
    pub signature: String,
}

/// What binding a supervisor to a site found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    Bound { account_id: String },
    NoAccount,
    NoSite,
}

pub trait SupervisionStore {
    /// Makes the account with this phone key a supervisor (an admin stays
    /// admin) of the site, in one transaction.
    fn bind_supervisor(&self, phone_key: Vec<u8>, site_id: String) -> StoreFuture<'_, Binding>;

    /// Whether the account supervises the site.
    fn supervises(&self, account_id: String, site_id: String) -> StoreFuture<'_, bool>;

    /// Every event at the site whose day is `day`, or (with a `YYYY-MM`
    /// prefix) in that month, oldest first.
    fn review_rows(&self, site_id: String, day_or_month: String)
    -> StoreFuture<'_, Vec<ReviewRow>>;

    /// One event, for a decision on it.
    fn review_row(&self, event_id: String) -> StoreFuture<'_, Option<ReviewRow>>;

    /// Records the decision unless one exists; either way returns the
    /// decision that stands, so a repeated call changes nothing.
    fn decide(&self, decision: NewDecision) -> StoreFuture<'_, StoredDecision>;
}
