//! A stored event as a supervisor sees it: opened, without coordinates, the
//! worker's name masked.

use laowu_core::attendance::{Event, EventBody, Punch};
use laowu_protocol::{DayEntry, ReviewState};

use super::decide::note_context;
use crate::accounts::sealing_context;
use crate::app::AppState;
use crate::http::ApiError;
use crate::store::ReviewRow;
use crate::sync::event_context;

/// What a deleted account's events show in place of the worker.
pub const ANONYMISED: &str = "deleted";

pub fn review_state(row: &ReviewRow) -> ReviewState {
    match (&row.decision, row.needs_review) {
        (Some(d), _) if d.approved => ReviewState::Approved,
        (Some(_), _) => ReviewState::Rejected,
        (None, true) => ReviewState::Pending,
        (None, false) => ReviewState::None,
    }
}

pub fn open_event(state: &AppState, row: &ReviewRow) -> Result<Event, ApiError> {
    state
        .keys
        .open(&event_context(&row.event_id), &row.event_sealed)
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| {
            tracing::error!("a stored attendance event does not open");
            ApiError::internal()
        })
}

pub fn entry(state: &AppState, row: &ReviewRow) -> Result<DayEntry, ApiError> {
    let event = open_event(state, row)?;
    let worker_name = match (&row.account_id, &row.name_sealed) {
        (Some(account), Some(sealed)) => state
            .keys
            .open(&sealing_context("name", account), sealed)
            .and_then(|b| String::from_utf8(b).ok())
            .map(|name| mask(&name)),
        _ => None,
    };
    let note = match row.decision.as_ref().and_then(|d| d.note_sealed.as_ref()) {
        Some(sealed) => state
            .keys
            .open(&note_context(&row.event_id), sealed)
            .and_then(|b| String::from_utf8(b).ok()),
        None => None,
    };
    let mut entry = DayEntry {
        event_id: row.event_id.clone(),
        kind: String::new(),
        worker: row.account_id.clone().unwrap_or_else(|| ANONYMISED.into()),
        worker_name,
        at_ms: 0,
        punch: None,
        verdict: None,
        anomalies: Vec::new(),
        distance_m: None,
        wifi_matched: false,
        reason: None,
        review: review_state(row),
        note,
    };
    match event.body {
        EventBody::CheckIn(c) => {
            entry.kind = "check_in".into();
            entry.at_ms = c.at_ms;
            entry.punch = c.punch.map(punch_name);
            entry.verdict = Some(c.verdict.as_str().to_string());
            entry.anomalies = c.anomalies.iter().map(wire_name).collect();
            entry.distance_m = Some(c.distance_m);
            entry.wifi_matched = c.wifi_matched;
            entry.reason = c.reason;
        }
        EventBody::Makeup(m) => {
            entry.kind = "makeup".into();
            entry.at_ms = m.filed_at_ms;
            entry.punch = Some(punch_name(m.punch));
            entry.reason = Some(m.reason);
        }
    }
    Ok(entry)
}

fn punch_name(p: Punch) -> String {
    match p {
        Punch::In => "clock_in",
        Punch::Out => "clock_out",
    }
    .into()
}

/// The serde name of a unit enum value.
fn wire_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// 张三 → 张*, 欧阳娜娜 → 欧***: enough to tell workers apart on a site,
/// not a full name on every screen.
pub fn mask(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn names_keep_only_their_first_character() {
        assert_eq!(mask("张三"), "张*");
        assert_eq!(mask("欧阳娜娜"), "欧***");
        assert_eq!(mask("李"), "李");
        assert_eq!(mask(""), "");
    }
}
