//! SMS codes: six random digits, kept only as a keyed MAC, good for one use
//! within their lifetime and a bounded number of tries.

use laowu_protocol::CodePurpose;

use crate::app::AppState;
use crate::clock::duration_ms;
use crate::crypto::{random_below, random_id};
use crate::http::ApiError;
use crate::store::NewCode;

const FIELD: &str = "code";

/// Six uniformly random digits from the OS generator.
pub fn generate() -> String {
    format!("{:06}", random_below(1_000_000))
}

/// Refuses what cannot be a code before it costs an attempt.
pub fn check_format(code: &str) -> Result<(), ApiError> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ApiError::invalid_field(
            FIELD,
            "must be the 6 digits sent by SMS",
        ))
    }
}

/// Stores a fresh code for the number and purpose and returns its digits,
/// to be sent and then forgotten.
pub async fn issue(
    state: &AppState,
    phone_key: Vec<u8>,
    purpose: CodePurpose,
) -> Result<String, ApiError> {
    let digits = generate();
    let id = random_id();
    let mac = state.keys.code_mac(&id, purpose.as_str(), &digits);
    let expires_ms = state.now_ms() + duration_ms(state.config.code_ttl);
    state
        .store
        .replace_code(NewCode {
            id,
            phone_key,
            purpose,
            mac,
            expires_ms,
        })
        .await?;
    Ok(digits)
}

/// Spends one attempt at the number's code; succeeds once, for the right
/// digits, while the code is live and has attempts left.
pub async fn redeem(
    state: &AppState,
    phone_key: Vec<u8>,
    purpose: CodePurpose,
    digits: &str,
) -> Result<(), ApiError> {
    let wrong =
        || ApiError::invalid_field(FIELD, "is wrong, expired or used up: request a new code");
    let claim = state
        .store
        .claim_code_attempt(
            phone_key,
            purpose,
            state.now_ms(),
            state.config.code_max_attempts,
        )
        .await?
        .ok_or_else(wrong)?;
    if !state
        .keys
        .verify_code(&claim.id, purpose.as_str(), digits, &claim.mac)
    {
        return Err(wrong());
    }
    if !state.store.consume_code(claim.id).await? {
        return Err(wrong());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..200 {
            let code = generate();
            assert!(check_format(&code).is_ok(), "{code}");
        }
        for bad in ["12345", "1234567", "12345a", "１２３４５６", ""] {
            assert!(check_format(bad).is_err(), "{bad}");
        }
    }
}
