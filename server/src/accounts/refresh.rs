//! `POST /v1/tokens/refresh`: a spent refresh token for a new pair.

use axum::extract::State;
use laowu_protocol::{RefreshRequest, TokenPair};

use super::tokens::{self, AccessClaims};
use crate::app::AppState;
use crate::http::{ApiError, Json};
use crate::store::Rotation;

pub async fn refresh(
    State(state): State<AppState>,
    Json(request): Json<RefreshRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    let presented = tokens::refresh_token_digest(&request.refresh_token);
    let (replacement, replacement_hash) = tokens::new_refresh_token();
    let rotation = state
        .store
        .rotate_refresh_token(
            presented,
            replacement_hash,
            state.now_ms(),
            tokens::refresh_expiry_ms(&state),
        )
        .await?;
    match rotation {
        Rotation::Rotated {
            account_id,
            role,
            device_id,
        } => {
            let claims = AccessClaims {
                account_id,
                role,
                device_id,
            };
            Ok(Json(tokens::token_pair(&state, claims, replacement)))
        }
        Rotation::Reused => {
            // Two holders of one token: the legitimate phone or a thief.
            // Neither can be told apart, so both must log in again.
            tracing::warn!("a spent refresh token was presented again; its session is revoked");
            Err(ApiError::unauthorised(
                "the refresh token was already used; the session has ended: log in again",
            ))
        }
        Rotation::Invalid => Err(ApiError::unauthorised(
            "the refresh token is unknown or expired: log in again",
        )),
    }
}
