//! `GET /v1/supervisor/sites/{site}/export?month=YYYY-MM`: the month's
//! attendance as CSV for wages, one row per event.

use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::access::{may_review, site_time_zone};
use super::entry::entry;
use crate::app::AppState;
use crate::http::{ApiError, Authenticated};
use crate::sync::DEFAULT_TIME_ZONE;

const HEADER: [&str; 12] = [
    "date",
    "worker",
    "worker_name",
    "event_id",
    "type",
    "punch",
    "local_time",
    "verdict",
    "distance_m",
    "wifi_matched",
    "review",
    "note",
];

pub async fn export(
    State(state): State<AppState>,
    Authenticated(claims): Authenticated,
    Path(site): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let month = parse_month(query.as_deref())?;
    may_review(&state, &claims.account_id, &site).await?;
    let zone_name = site_time_zone(&state, &site)
        .await?
        .unwrap_or_else(|| DEFAULT_TIME_ZONE.into());
    let zone = TimeZone::get(&zone_name).unwrap_or(TimeZone::UTC);
    let rows = state.store.review_rows(site.clone(), month.clone()).await?;
    let mut csv = csv::Writer::from_writer(Vec::new());
    let failed = |_| ApiError::internal();
    csv.write_record(HEADER).map_err(failed)?;
    for row in &rows {
        let e = entry(&state, row)?;
        let local_time = Timestamp::from_millisecond(e.at_ms)
            .map(|t| zone.to_datetime(t).strftime("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let review = serde_json::to_value(e.review)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let record = [
            row.day.clone(),
            e.worker,
            e.worker_name.unwrap_or_default(),
            e.event_id,
            e.kind,
            e.punch.unwrap_or_default(),
            local_time,
            e.verdict.unwrap_or_default(),
            e.distance_m.map(|d| d.to_string()).unwrap_or_default(),
            e.wifi_matched.to_string(),
            review,
            e.note.unwrap_or_default(),
        ];
        csv.write_record(record.iter().map(|cell| defuse(cell)))
            .map_err(failed)?;
    }
    let body = csv.into_inner().map_err(|_| ApiError::internal())?;
    let filename = format!("attachment; filename=\"attendance-{site}-{month}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, filename),
        ],
        body,
    )
        .into_response())
}

/// `month=YYYY-MM` from the query string.
fn parse_month(query: Option<&str>) -> Result<String, ApiError> {
    let refuse = || ApiError::invalid_field("month", "must be a month written YYYY-MM");
    let value = query
        .unwrap_or("")
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "month")
        .map(|(_, v)| v)
        .ok_or_else(refuse)?;
    let b = value.as_bytes();
    let shaped = b.len() == 7
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit());
    let month: u8 = value.get(5..).and_then(|m| m.parse().ok()).unwrap_or(0);
    if !shaped || !(1..=12).contains(&month) {
        return Err(refuse());
    }
    Ok(value.to_string())
}

/// A cell a spreadsheet would run as a formula gets a leading quote: a
/// worker's reason must not become code on the payroll clerk's machine.
fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_plain_text_kept() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("+1"), "'+1");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("到材料市场"), "到材料市场");
        assert_eq!(defuse(""), "");
    }

    #[test]
    fn months_must_be_real() {
        assert_eq!(parse_month(Some("month=2026-03")).unwrap(), "2026-03");
        assert_eq!(parse_month(Some("x=1&month=2026-12")).unwrap(), "2026-12");
        for bad in [
            "month=2026-13",
            "month=2026-3",
            "month=26-03-01",
            "",
            "month=",
        ] {
            assert!(parse_month(Some(bad)).is_err(), "{bad}");
        }
        assert!(parse_month(None).is_err());
    }
}
