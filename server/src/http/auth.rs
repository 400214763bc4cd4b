//! [`Authenticated`]: the bearer of a valid access token. Routes that take
//! it answer 401 `ErrorBody` for a missing, malformed, forged or expired
//! token before looking at the body.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::ApiError;
use crate::accounts::{AccessClaims, AccessTokenError, verify_access_token};
use crate::app::AppState;

#[derive(Debug, Clone)]
pub struct Authenticated(pub AccessClaims);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let value = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
            ApiError::unauthorised("this route needs Authorization: Bearer <access token>")
        })?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .ok_or_else(|| {
                ApiError::unauthorised("the Authorization header is not a bearer token")
            })?;
        match verify_access_token(&state.keys, token, state.now_ms()) {
            Ok(claims) => Ok(Authenticated(claims)),
            Err(AccessTokenError::Expired) => Err(ApiError::unauthorised(
                "the access token has expired: get a new one from /v1/tokens/refresh",
            )),
            Err(AccessTokenError::Invalid) => {
                Err(ApiError::unauthorised("the access token is not valid"))
            }
        }
    }
}
