//! `GET /v1/me`: the bearer's account and devices.

use axum::extract::State;
use laowu_protocol::{DeviceInfo, Me};

use crate::app::AppState;
use crate::http::{ApiError, Authenticated, Json};

pub async fn me(
    State(state): State<AppState>,
    Authenticated(claims): Authenticated,
) -> Result<Json<Me>, ApiError> {
    let account = state
        .store
        .account(claims.account_id)
        .await?
        .ok_or_else(|| ApiError::unauthorised("the account no longer exists"))?;
    let devices = state
        .store
        .devices(account.id.clone())
        .await?
        .into_iter()
        .map(|d| DeviceInfo {
            device_id: d.id,
            platform: d.platform,
            public_key: hex::encode(d.public_key),
            registered_ms: d.registered_ms,
        })
        .collect();
    Ok(Json(Me {
        account_id: account.id,
        // The stored role, not the token's: a role change shows at once.
        role: account.role,
        devices,
    }))
}
