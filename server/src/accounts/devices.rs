//! `POST /v1/devices`: register the Ed25519 key a phone signs its records with.

use axum::extract::State;
use axum::http::StatusCode;
use laowu_protocol::{RegisterDeviceRequest, RegisterDeviceResponse};

use crate::app::AppState;
use crate::crypto::random_id;
use crate::http::{ApiError, Authenticated, Json};
use crate::store::{Inserted, NewDevice};

pub async fn register_device(
    State(state): State<AppState>,
    Authenticated(claims): Authenticated,
    Json(request): Json<RegisterDeviceRequest>,
) -> Result<(StatusCode, Json<RegisterDeviceResponse>), ApiError> {
    let public_key = parse_public_key(&request.public_key)?;
    if state
        .store
        .account(claims.account_id.clone())
        .await?
        .is_none()
    {
        return Err(ApiError::unauthorised("the account no longer exists"));
    }
    let id = random_id();
    let device = NewDevice {
        id: id.clone(),
        account_id: claims.account_id,
        public_key,
        platform: request.platform,
        registered_ms: state.now_ms(),
    };
    match state.store.insert_device(device).await? {
        Inserted::Created => Ok((
            StatusCode::CREATED,
            Json(RegisterDeviceResponse { device_id: id }),
        )),
        Inserted::Duplicate => Err(ApiError::conflict("this public key is already registered")),
    }
}

/// 32 bytes as 64 hex digits. Whether they are a point on the curve shows
/// when the first signature is checked.
fn parse_public_key(text: &str) -> Result<Vec<u8>, ApiError> {
    let refuse =
        || ApiError::invalid_field("public_key", "must be an Ed25519 public key: 64 hex digits");
    if text.len() != 64 {
        return Err(refuse());
    }
    hex::decode(text).map_err(|_| refuse())
}
