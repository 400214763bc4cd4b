//! Supervisors: the day view of a site, decisions, the monthly export.
//!
//! `GET  /v1/supervisor/sites/{site}/days/{date}` → 200 [`DayView`]
//! `POST /v1/supervisor/decisions` [`DecisionRequest`] → 200 [`DecisionResponse`]
//! `GET  /v1/supervisor/sites/{site}/export?month=YYYY-MM` → 200 `text/csv`
//!
//! Only a supervisor bound to the site (or an admin) may call these; a worker
//! gets 403, a supervisor of another site 403, an unknown site or event 404.

use serde::{Deserialize, Serialize};

/// Whether a check-in or make-up request waits for, or has, a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Needs no decision (a normal check-in).
    None,
    Pending,
    Approved,
    Rejected,
}

/// One attendance event as a supervisor sees it: no coordinates, only what
/// the evaluation found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayEntry {
    pub event_id: String,
    /// `check_in` or `makeup`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The worker's account.
    pub worker: String,
    /// The worker's name as registered, masked (张*), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_name: Option<String>,
    /// Trusted time of the check-in, or when a make-up request was filed.
    pub at_ms: i64,
    /// `clock_in` or `clock_out`, when the site has a shift.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub punch: Option<String>,
    /// For check-ins: normal, late, early_leave, field or rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    pub anomalies: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<u32>,
    pub wifi_matched: bool,
    /// The worker's reason (field check-in or make-up request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub review: ReviewState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayView {
    pub site: String,
    /// YYYY-MM-DD in the site's time zone.
    pub date: String,
    /// Every event of the day, oldest first.
    pub entries: Vec<DayEntry>,
    /// How many workers checked in.
    pub workers: u32,
    /// How many entries wait for a decision.
    pub pending: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    pub event_id: String,
    pub approved: bool,
    /// Up to 200 characters, shown to the worker.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionResponse {
    pub event_id: String,
    pub review: ReviewState,
    /// The decision's cursor: the worker's phone receives it at its next pull.
    pub cursor: u64,
}
