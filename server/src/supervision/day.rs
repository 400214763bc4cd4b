//! `GET /v1/supervisor/sites/{site}/days/{date}`.

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use jiff::civil::Date;
use laowu_protocol::{DayView, ReviewState};

use super::access::may_review;
use super::entry::entry;
use crate::app::AppState;
use crate::http::{ApiError, Authenticated, Json};

pub async fn day(
    State(state): State<AppState>,
    Authenticated(claims): Authenticated,
    Path((site, date)): Path<(String, String)>,
) -> Result<Json<DayView>, ApiError> {
    let date = parse_date(&date)?;
    may_review(&state, &claims.account_id, &site).await?;
    let rows = state
        .store
        .review_rows(site.clone(), date.to_string())
        .await?;
    let entries = rows
        .iter()
        .map(|row| entry(&state, row))
        .collect::<Result<Vec<_>, _>>()?;
    let workers: BTreeSet<&str> = entries
        .iter()
        .filter(|e| e.kind == "check_in")
        .map(|e| e.worker.as_str())
        .collect();
    let pending = entries
        .iter()
        .filter(|e| e.review == ReviewState::Pending)
        .count();
    Ok(Json(DayView {
        site,
        date: date.to_string(),
        workers: workers.len() as u32,
        pending: pending as u32,
        entries,
    }))
}

fn parse_date(text: &str) -> Result<Date, ApiError> {
    let refuse = || ApiError::invalid_field("date", "must be a real date written YYYY-MM-DD");
    if text.len() != 10 {
        return Err(refuse());
    }
    Date::strptime("%Y-%m-%d", text).map_err(|_| refuse())
}
