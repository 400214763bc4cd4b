//! Flat views of attendance for the shells: what the check-in screen, the
//! history list and the day view draw. The CLI prints them as JSON; the FFI
//! copies them into its records. Every wording decision is made here.

use serde::Serialize;

use super::attendance::CheckIn;
use super::attendance_history::{DaySummary, HistoryItem};
use crate::attendance::{EventBody, Reason, Site, Timing, fence_state_str};

/// A check-in, previewed or recorded.
#[derive(Clone, Debug, Serialize)]
pub struct CheckInView {
    /// The event id when recorded; `None` for a preview.
    pub record_id: Option<String>,
    pub site_id: String,
    pub site_name: String,
    /// normal, late, early_leave, field or rejected.
    pub verdict: &'static str,
    /// inside, uncertain or outside.
    pub inside: &'static str,
    pub distance_m: f64,
    pub outside_by_m: f64,
    pub wifi_matched: bool,
    pub anomalies: Vec<&'static str>,
    /// in or out.
    pub punch: Option<&'static str>,
    pub shift_date: Option<String>,
    /// on_time, late, early_leave, too_early or no_shift.
    pub timing: &'static str,
    /// Minutes late or early, when the timing is late or early_leave.
    pub minutes: Option<u32>,
    pub at_ms: i64,
    /// server (trusted) or device.
    pub time_source: &'static str,
    pub needs_review: bool,
    pub reasons: Vec<Reason>,
}

impl From<&CheckIn> for CheckInView {
    fn from(c: &CheckIn) -> Self {
        let e = &c.evaluation;
        let (timing, minutes) = timing_parts(e.timing);
        CheckInView {
            record_id: c.event.as_ref().map(|ev| ev.id.clone()),
            site_id: e.site_id.clone(),
            site_name: c.site_name.clone(),
            verdict: e.verdict.as_str(),
            inside: fence_state_str(e.inside),
            distance_m: round1(e.distance_m),
            outside_by_m: round1(e.outside_by_m),
            wifi_matched: e.wifi_matched,
            anomalies: e.anomalies.iter().map(|a| a.as_str()).collect(),
            punch: e.punch.map(punch_str),
            shift_date: e.shift_date.map(|d| d.to_string()),
            timing,
            minutes,
            at_ms: e.at_ms,
            time_source: e.time_source.as_str(),
            needs_review: e.needs_review,
            reasons: e.reasons.clone(),
        }
    }
}

/// One row of the history list.
#[derive(Clone, Debug, Serialize)]
pub struct HistoryRow {
    pub record_id: String,
    pub seq: u64,
    /// checkin or makeup.
    pub kind: &'static str,
    pub site_id: String,
    pub site_name: Option<String>,
    /// The check-in's trusted time, or when the make-up request was filed.
    pub at_ms: i64,
    /// The shift day of a check-in, or the day a make-up request is for.
    pub date: Option<String>,
    pub punch: Option<&'static str>,
    /// A check-in's verdict; `makeup` for a make-up request.
    pub verdict: &'static str,
    pub inside: Option<String>,
    pub distance_band: Option<String>,
    pub wifi_matched: Option<bool>,
    pub anomalies: Vec<&'static str>,
    pub timing: Option<&'static str>,
    pub reason: Option<String>,
    /// none, pending, approved or rejected.
    pub review: &'static str,
    pub note: Option<String>,
    /// Whether the raw coordinates are still kept.
    pub fix_kept: bool,
}

impl From<&HistoryItem> for HistoryRow {
    fn from(h: &HistoryItem) -> Self {
        let e = &h.event;
        match &e.body {
            EventBody::CheckIn(c) => HistoryRow {
                record_id: e.id.clone(),
                seq: e.seq,
                kind: "checkin",
                site_id: c.site_id.clone(),
                site_name: h.site_name.clone(),
                at_ms: c.at_ms,
                date: c.shift_date.map(|d| d.to_string()),
                punch: c.punch.map(punch_str),
                verdict: c.verdict.as_str(),
                inside: Some(c.inside.clone()),
                distance_band: Some(c.distance_band.clone()),
                wifi_matched: Some(c.wifi_matched),
                anomalies: c.anomalies.iter().map(|a| a.as_str()).collect(),
                timing: Some(timing_parts(c.timing).0),
                reason: c.reason.clone(),
                review: h.review.as_str(),
                note: h.note.clone(),
                fix_kept: h.fix_kept,
            },
            EventBody::Makeup(m) => HistoryRow {
                record_id: e.id.clone(),
                seq: e.seq,
                kind: "makeup",
                site_id: m.site_id.clone(),
                site_name: h.site_name.clone(),
                at_ms: m.filed_at_ms,
                date: Some(m.date.to_string()),
                punch: Some(punch_str(m.punch)),
                verdict: "makeup",
                inside: None,
                distance_band: None,
                wifi_matched: None,
                anomalies: Vec::new(),
                timing: None,
                reason: Some(m.reason.clone()),
                review: h.review.as_str(),
                note: h.note.clone(),
                fix_kept: false,
            },
        }
    }
}

/// One day in the day view.
#[derive(Clone, Debug, Serialize)]
pub struct DayRow {
    pub site_id: String,
    pub date: String,
    pub clock_in_ms: Option<i64>,
    pub clock_out_ms: Option<i64>,
    pub status: &'static str,
    pub made_up: bool,
}

impl From<&DaySummary> for DayRow {
    fn from(d: &DaySummary) -> Self {
        DayRow {
            site_id: d.site_id.clone(),
            date: d.date.to_string(),
            clock_in_ms: d.clock_in_ms,
            clock_out_ms: d.clock_out_ms,
            status: d.status,
            made_up: d.made_up,
        }
    }
}

/// A site as listed.
#[derive(Clone, Debug, Serialize)]
pub struct SiteRow {
    pub id: String,
    pub name: String,
    pub datum: &'static str,
    pub rule: &'static str,
    pub fences: usize,
    pub access_points: usize,
    pub time_zone: String,
    /// The full site as a sync would deliver it.
    pub spec: crate::attendance::SiteSpec,
}

impl From<&Site> for SiteRow {
    fn from(s: &Site) -> Self {
        SiteRow {
            id: s.id().to_string(),
            name: s.name().to_string(),
            datum: s.spec().datum.as_str(),
            rule: s.rule().as_str(),
            fences: s.fences().len(),
            access_points: s.access_points().len(),
            time_zone: s.spec().time_zone.clone(),
            spec: s.spec().clone(),
        }
    }
}

fn timing_parts(t: Timing) -> (&'static str, Option<u32>) {
    match t {
        Timing::OnTime => ("on_time", None),
        Timing::Late { minutes } => ("late", Some(minutes)),
        Timing::EarlyLeave { minutes } => ("early_leave", Some(minutes)),
        Timing::TooEarly { .. } => ("too_early", None),
        Timing::NoShift => ("no_shift", None),
    }
}

fn punch_str(p: crate::attendance::Punch) -> &'static str {
    match p {
        crate::attendance::Punch::In => "in",
        crate::attendance::Punch::Out => "out",
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
