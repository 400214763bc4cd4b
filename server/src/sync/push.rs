//! `POST /v1/sync/push`: one result per item, in order, from one transaction.

use std::collections::HashMap;

use axum::extract::State;
use laowu_protocol::{ItemResult, ItemStatus, MAX_PUSH_ITEMS, PushRequest, PushResponse};

use super::verify::{Checked, check};
use crate::app::AppState;
use crate::http::{ApiError, Authenticated, Json};
use crate::store::{Ingested, PushBatch};

pub async fn push(
    State(state): State<AppState>,
    Authenticated(claims): Authenticated,
    Json(request): Json<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    if request.items.is_empty() || request.items.len() > MAX_PUSH_ITEMS {
        return Err(ApiError::invalid_field(
            "items",
            format!("must hold 1 to {MAX_PUSH_ITEMS} items"),
        ));
    }
    if request.device_id.is_empty() || request.device_id.len() > 64 {
        return Err(ApiError::invalid_field(
            "device_id",
            "must be the id /v1/devices gave",
        ));
    }
    let device_key = state
        .store
        .device_key(claims.account_id.clone(), request.device_id.clone())
        .await?
        .ok_or_else(|| ApiError::forbidden("the device is not one of this account's"))?;
    let keys: Vec<String> = request.items.iter().map(|i| i.key.clone()).collect();
    // Ed25519 verification of a full batch is milliseconds of CPU: off the
    // async workers.
    let items = request.items;
    let checked: Vec<Checked> = tokio::task::spawn_blocking(move || {
        items
            .into_iter()
            .map(|item| check(item, &device_key))
            .collect()
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let mut sites: Vec<String> = checked
        .iter()
        .filter_map(Checked::site_id)
        .map(str::to_string)
        .collect();
    sites.sort();
    sites.dedup();
    let zones: HashMap<String, String> = state
        .store
        .site_time_zones(sites)
        .await?
        .into_iter()
        .collect();
    let incoming = checked
        .into_iter()
        .map(|c| c.seal(&state.keys, &request.device_id, &zones))
        .collect();
    let ingested = state
        .store
        .ingest(PushBatch {
            device_id: request.device_id,
            account_id: claims.account_id,
            received_ms: state.now_ms(),
            items: incoming,
        })
        .await?;
    let results: Vec<ItemResult> = keys
        .into_iter()
        .zip(ingested)
        .map(|(key, outcome)| match outcome {
            Ingested::Accepted => result(key, ItemStatus::Accepted, None),
            Ingested::Duplicate => result(key, ItemStatus::Duplicate, None),
            Ingested::Refused { code, reason } => {
                result(key, ItemStatus::Refused, Some((code, reason)))
            }
        })
        .collect();
    let count = |s: ItemStatus| results.iter().filter(|r| r.status == s).count() as u64;
    let (accepted, duplicate, refused) = (
        count(ItemStatus::Accepted),
        count(ItemStatus::Duplicate),
        count(ItemStatus::Refused),
    );
    tracing::info!(accepted, duplicate, refused, "push");
    state.metrics.push_batch(accepted, duplicate, refused);
    Ok(Json(PushResponse { results }))
}

fn result(key: String, status: ItemStatus, refusal: Option<(&str, &str)>) -> ItemResult {
    ItemResult {
        key,
        status,
        code: refusal.map(|(c, _)| c.to_string()),
        reason: refusal.map(|(_, r)| r.to_string()),
    }
}
