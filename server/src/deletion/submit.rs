//! `POST /v1/deletions`: a phone's signed deletion request, queued with the
//! server's own deadline.

use axum::extract::State;
use axum::http::StatusCode;
use laowu_core::app::{DeletionRequest, deletion_deadline};
use laowu_core::calendar::WorkCalendar;
use laowu_protocol::{DeletionReceipt, DeletionSubmission};

use crate::app::AppState;
use crate::crypto::random_id;
use crate::http::{ApiError, Json};

pub async fn submit(
    State(state): State<AppState>,
    Json(submission): Json<DeletionSubmission>,
) -> Result<(StatusCode, Json<DeletionReceipt>), ApiError> {
    // serde's message could quote the request; a fixed one says enough.
    let request: DeletionRequest = serde_json::from_str(&submission.request)
        .map_err(|_| ApiError::invalid_field("request", "is not a deletion request"))?;
    if request.v != 1 {
        return Err(ApiError::invalid_field(
            "request.v",
            "is not a version this server knows",
        ));
    }
    // The signature is the only proof of who asks: no session is needed,
    // since the phone's store (and its tokens) is gone by now.
    if !request.verify() {
        return Err(ApiError::invalid_field(
            "request.signature",
            "does not verify under request.device_key",
        ));
    }
    let public_key = hex::decode(&request.device_key).map_err(|_| {
        ApiError::invalid_field("request.device_key", "must be an Ed25519 public key")
    })?;
    // The phone's account id is local to the phone; the key says which
    // account on this server it is.
    let Some(account_id) = state.store.account_by_device_key(public_key).await? else {
        return Err(ApiError::not_found("no registered device has this key"));
    };

    // The deadline counts from the day the server received the request, on
    // the server's calendar: the phone's clock and calendar are not trusted.
    let now_ms = state.now_ms();
    let today = super::today(&state).ok_or_else(|| {
        tracing::error!("the server's clock is outside the calendar's range");
        ApiError::internal()
    })?;
    let (deadline, _basis) = deletion_deadline(&WorkCalendar::bundled(), today).map_err(|_| {
        tracing::error!("no deletion deadline can be counted from today");
        ApiError::internal()
    })?;
    let id = random_id();
    let queued = state
        .store
        .queue_deletion(id.clone(), account_id, now_ms, deadline.to_string())
        .await?;
    if queued.id == id {
        tracing::info!(request = %queued.id, deadline = %queued.deadline, "deletion queued");
    } else {
        tracing::info!(request = %queued.id, "deletion already queued");
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(DeletionReceipt {
            request_id: queued.id,
            deadline: queued.deadline,
        }),
    ))
}
