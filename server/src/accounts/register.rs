//! `POST /v1/accounts/register`: a new worker account, proven by an SMS code.

use axum::extract::State;
use axum::http::StatusCode;
use laowu_protocol::{CodePurpose, RegisterRequest, RegisterResponse, Role};

use super::password::Password;
use super::{Phone, code};
use crate::app::AppState;
use crate::crypto::random_id;
use crate::http::{ApiError, Json};
use crate::store::{Inserted, NewAccount};

const MAX_NAME_CHARS: usize = 64;

pub async fn register(
    State(state): State<AppState>,
    Json(request): Json<RegisterRequest>,
) -> Result<(StatusCode, Json<RegisterResponse>), ApiError> {
    // Every field is checked before the code is, so a typo costs no attempt.
    let phone = Phone::parse(&request.phone)?;
    code::check_format(&request.code)?;
    let password = Password::new("password", request.password)?;
    let name = request.name.as_deref().map(check_name).transpose()?;

    let phone_key = phone.lookup_key(&state.keys);
    code::redeem(
        &state,
        phone_key.clone(),
        CodePurpose::Register,
        &request.code,
    )
    .await?;
    let password_hash = state.passwords.hash(password).await?;

    let id = random_id();
    let account = NewAccount {
        phone_key,
        phone_sealed: state
            .keys
            .seal(&sealing_context("phone", &id), phone.digits().as_bytes()),
        name_sealed: name.map(|n| state.keys.seal(&sealing_context("name", &id), n.as_bytes())),
        password_hash,
        role: Role::Worker,
        created_ms: state.now_ms(),
        id: id.clone(),
    };
    let tag = phone.log_tag(&state.keys);
    match state.store.insert_account(account).await? {
        Inserted::Created => {
            tracing::info!(phone = %tag, "account registered");
            Ok((
                StatusCode::CREATED,
                Json(RegisterResponse { account_id: id }),
            ))
        }
        Inserted::Duplicate => {
            tracing::info!(phone = %tag, "registration refused: number taken");
            Err(ApiError::conflict(
                "this number already has an account: log in, or reset the password",
            ))
        }
    }
}

/// What a sealed account column is bound to: a sealed value moved to
/// another row or column no longer opens.
pub fn sealing_context(column: &str, account_id: &str) -> String {
    format!("accounts.{column}:{account_id}")
}

fn check_name(name: &str) -> Result<&str, ApiError> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(ApiError::invalid_field(
            "name",
            "must be 1 to 64 characters, without control characters",
        ));
    }
    Ok(name)
}
