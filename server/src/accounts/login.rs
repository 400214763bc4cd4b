//! `POST /v1/accounts/login`: phone number and password for a session.

use axum::extract::State;
use laowu_protocol::{LoginRequest, TokenPair};

use super::tokens::{self, AccessClaims};
use super::{Phone, limits};
use crate::app::AppState;
use crate::http::{ApiError, ClientIp, Json};

pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(request): Json<LoginRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    let phone = Phone::parse(&request.phone)?;
    let tag = phone.log_tag(&state.keys);
    let attempt_ms = limits::admit_login_attempt(&state, phone.digits(), ip).await?;

    let account = state
        .store
        .account_by_phone(phone.lookup_key(&state.keys))
        .await?;
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    // An unknown number costs the same hash as a wrong password, and gets
    // the same answer: login does not reveal who is registered.
    let verified = state.passwords.verify(request.password, stored).await;
    let Some(account) = account.filter(|_| verified) else {
        tracing::info!(phone = %tag, "login refused");
        return Err(ApiError::unauthorised("wrong phone number or password"));
    };
    limits::forget_login_attempt(&state, phone.digits(), ip, attempt_ms).await?;

    if let Some(device_id) = &request.device_id
        && !state
            .store
            .device_belongs(account.id.clone(), device_id.clone())
            .await?
    {
        return Err(ApiError::invalid_field(
            "device_id",
            "is not a device of this account",
        ));
    }
    let claims = AccessClaims {
        account_id: account.id,
        role: account.role,
        device_id: request.device_id,
    };
    let pair = tokens::start_session(&state, claims).await?;
    tracing::info!(phone = %tag, "logged in");
    Ok(Json(pair))
}
