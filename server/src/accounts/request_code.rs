//! `POST /v1/accounts/code`: send a code by SMS.

use axum::extract::State;
use axum::http::StatusCode;
use laowu_protocol::{CodePurpose, CodeRequest};

use super::{Phone, code, limits};
use crate::app::AppState;
use crate::http::{ApiError, ClientIp, Json};

/// 202 whether or not a code was sent, so the answer never tells who has an
/// account: a reset code goes only to registered numbers, a registration
/// code to any (registering a taken number then fails with 409, which only
/// the number's owner, holding the code, can see).
pub async fn request_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(request): Json<CodeRequest>,
) -> Result<StatusCode, ApiError> {
    let phone = Phone::parse(&request.phone)?;
    let purpose = request.purpose;
    let tag = phone.log_tag(&state.keys);
    limits::admit_code_request(&state, phone.digits(), ip).await?;
    let phone_key = phone.lookup_key(&state.keys);
    if purpose == CodePurpose::Reset
        && state
            .store
            .account_by_phone(phone_key.clone())
            .await?
            .is_none()
    {
        tracing::info!(phone = %tag, purpose = purpose.as_str(), "code not sent: no account");
        return Ok(StatusCode::ACCEPTED);
    }
    let digits = code::issue(&state, phone_key, purpose).await?;
    if let Err(e) = state.sms.send_code(&phone, &digits).await {
        tracing::error!(phone = %tag, error = %e, "SMS not sent");
        return Err(ApiError::unavailable(
            "the SMS could not be sent: try again later",
        ));
    }
    tracing::info!(phone = %tag, purpose = purpose.as_str(), "code sent");
    Ok(StatusCode::ACCEPTED)
}
