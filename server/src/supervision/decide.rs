//! `POST /v1/supervisor/decisions`: approve or reject a field check-in or a
//! make-up request. The decision is signed, so the worker's phone can tell
//! it came from the server, and it reaches the phone at its next pull.

use axum::extract::State;
use laowu_protocol::{Decision, DecisionRequest, DecisionResponse, ReviewState};

use super::access::may_review;
use crate::app::AppState;
use crate::http::{ApiError, Authenticated, Json};
use crate::store::NewDecision;

/// The longest note, in characters, as the protocol says.
const MAX_NOTE_CHARS: usize = 200;

/// What a sealed note is bound to.
pub fn note_context(event_id: &str) -> String {
    format!("decisions.note:{event_id}")
}

pub async fn decide(
    State(state): State<AppState>,
    Authenticated(claims): Authenticated,
    Json(request): Json<DecisionRequest>,
) -> Result<Json<DecisionResponse>, ApiError> {
    let note = check_note(request.note.as_deref())?;
    if request.event_id.is_empty() || request.event_id.len() > 64 {
        return Err(ApiError::invalid_field("event_id", "must be an event's id"));
    }
    let row = state
        .store
        .review_row(request.event_id.clone())
        .await?
        .ok_or_else(|| ApiError::not_found("no attendance event has this id"))?;
    may_review(&state, &claims.account_id, &row.site_id).await?;
    if !row.needs_review {
        return Err(ApiError::conflict(
            "this check-in needs no review: only field check-ins and make-up requests do",
        ));
    }
    let decided_ms = state.now_ms();
    let signature = state.keys.sign_hex(&Decision::signed_bytes(
        &request.event_id,
        request.approved,
        note,
        decided_ms,
    ));
    let stood = state
        .store
        .decide(NewDecision {
            event_id: request.event_id.clone(),
            approved: request.approved,
            note_sealed: note.map(|n| {
                state
                    .keys
                    .seal(&note_context(&request.event_id), n.as_bytes())
            }),
            supervisor_id: claims.account_id,
            decided_ms,
            signature,
        })
        .await?;
    if stood.approved != request.approved {
        return Err(ApiError::conflict(
            "the event was already decided the other way",
        ));
    }
    tracing::info!(approved = stood.approved, cursor = stood.cursor, "decision");
    Ok(Json(DecisionResponse {
        event_id: request.event_id,
        review: if stood.approved {
            ReviewState::Approved
        } else {
            ReviewState::Rejected
        },
        cursor: stood.cursor,
    }))
}

fn check_note(note: Option<&str>) -> Result<Option<&str>, ApiError> {
    let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if note.chars().count() > MAX_NOTE_CHARS || note.chars().any(char::is_control) {
        return Err(ApiError::invalid_field(
            "note",
            "must be at most 200 characters, without control characters",
        ));
    }
    Ok(Some(note))
}
