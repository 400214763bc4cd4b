//! `POST /v1/accounts/reset-password`: a new password, proven by an SMS code.

use axum::extract::State;
use axum::http::StatusCode;
use laowu_protocol::{CodePurpose, ResetPasswordRequest};

use super::password::Password;
use super::{Phone, code};
use crate::app::AppState;
use crate::http::{ApiError, Json};

/// Ends every session of the account: whoever knew the old password may
/// hold one. Access tokens already issued run out within their 15 minutes.
pub async fn reset_password(
    State(state): State<AppState>,
    Json(request): Json<ResetPasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let phone = Phone::parse(&request.phone)?;
    code::check_format(&request.code)?;
    let password = Password::new("new_password", request.new_password)?;

    let phone_key = phone.lookup_key(&state.keys);
    code::redeem(&state, phone_key.clone(), CodePurpose::Reset, &request.code).await?;
    // Reset codes are only sent to registered numbers, so a redeemed one
    // has an account unless it was deleted since.
    let account = state
        .store
        .account_by_phone(phone_key)
        .await?
        .ok_or_else(|| ApiError::not_found("the account no longer exists"))?;
    let password_hash = state.passwords.hash(password).await?;
    if !state
        .store
        .reset_password(account.id, password_hash, state.now_ms())
        .await?
    {
        return Err(ApiError::not_found("the account no longer exists"));
    }
    tracing::info!(phone = %phone.log_tag(&state.keys), "password reset; sessions revoked");
    Ok(StatusCode::NO_CONTENT)
}
