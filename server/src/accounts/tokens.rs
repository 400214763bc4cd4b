//! Session credentials.
//!
//! Access tokens are JWTs (HS256 under a key derived from the server
//! secret): stateless, so any route checks them without the database, and
//! short-lived (15 minutes) because they cannot be revoked. Only the exact
//! header this server writes is accepted, so no `alg` in a token can choose
//! how it is checked. Refresh tokens are 256 random bits, stored as SHA-256
//! digests (no salt needed at that entropy), single use, rotated in families.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use laowu_protocol::{Role, TokenPair};
use ring::digest;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::clock::duration_ms;
use crate::crypto::{ServerKeys, random_bytes, random_id};
use crate::http::ApiError;
use crate::store::NewRefreshToken;

/// `{"alg":"HS256","typ":"JWT"}`, the only header issued or accepted.
const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
/// Tokens longer than this are refused unparsed.
const MAX_TOKEN_LEN: usize = 2048;

/// What a valid access token says about its bearer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessClaims {
    pub account_id: String,
    pub role: Role,
    pub device_id: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    sub: String,
    role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    did: Option<String>,
    /// Seconds since the epoch, as JWT has it.
    iat: i64,
    exp: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccessTokenError {
    #[error("the access token is malformed or its signature is wrong")]
    Invalid,
    #[error("the access token has expired")]
    Expired,
}

pub fn issue_access_token(
    keys: &ServerKeys,
    claims: &AccessClaims,
    now_ms: i64,
    ttl: Duration,
) -> String {
    let now_s = now_ms.div_euclid(1000);
    let ttl_s = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
    let payload = Payload {
        sub: claims.account_id.clone(),
        role: claims.role,
        did: claims.device_id.clone(),
        iat: now_s,
        exp: now_s.saturating_add(ttl_s),
    };
    let payload = serde_json::to_vec(&payload).expect("claims serialise");
    let signed = format!("{HEADER}.{}", B64.encode(payload));
    let tag = keys.sign_access_token(signed.as_bytes());
    format!("{signed}.{}", B64.encode(tag))
}

pub fn verify_access_token(
    keys: &ServerKeys,
    token: &str,
    now_ms: i64,
) -> Result<AccessClaims, AccessTokenError> {
    use AccessTokenError::Invalid;
    if token.len() > MAX_TOKEN_LEN {
        return Err(Invalid);
    }
    let (signed, tag) = token.rsplit_once('.').ok_or(Invalid)?;
    let (header, payload) = signed.split_once('.').ok_or(Invalid)?;
    if header != HEADER {
        return Err(Invalid);
    }
    let tag = B64.decode(tag).map_err(|_| Invalid)?;
    if !keys.verify_access_token(signed.as_bytes(), &tag) {
        return Err(Invalid);
    }
    let payload: Payload =
        serde_json::from_slice(&B64.decode(payload).map_err(|_| Invalid)?).map_err(|_| Invalid)?;
    if now_ms >= payload.exp.saturating_mul(1000) {
        return Err(AccessTokenError::Expired);
    }
    Ok(AccessClaims {
        account_id: payload.sub,
        role: payload.role,
        device_id: payload.did,
    })
}

/// A new refresh token and the digest the store keeps of it.
pub fn new_refresh_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    random_bytes(&mut bytes);
    let token = B64.encode(bytes);
    let digest = refresh_token_digest(&token);
    (token, digest)
}

pub fn refresh_token_digest(token: &str) -> Vec<u8> {
    digest::digest(&digest::SHA256, token.as_bytes())
        .as_ref()
        .to_vec()
}

pub fn refresh_expiry_ms(state: &AppState) -> i64 {
    state
        .now_ms()
        .saturating_add(duration_ms(state.config.refresh_token_ttl))
}

/// Starts a session (a new refresh family) after a successful login.
pub async fn start_session(state: &AppState, claims: AccessClaims) -> Result<TokenPair, ApiError> {
    let (refresh_token, token_hash) = new_refresh_token();
    state
        .store
        .insert_refresh_token(NewRefreshToken {
            token_hash,
            family_id: random_id(),
            account_id: claims.account_id.clone(),
            device_id: claims.device_id.clone(),
            issued_ms: state.now_ms(),
            expires_ms: refresh_expiry_ms(state),
        })
        .await?;
    Ok(token_pair(state, claims, refresh_token))
}

/// The response for a session whose refresh token is `refresh_token`.
pub fn token_pair(state: &AppState, claims: AccessClaims, refresh_token: String) -> TokenPair {
    TokenPair {
        token_type: "Bearer".into(),
        access_token: issue_access_token(
            &state.keys,
            &claims,
            state.now_ms(),
            state.config.access_token_ttl,
        ),
        expires_in_s: state.config.access_token_ttl.as_secs(),
        refresh_token,
        refresh_expires_in_s: state.config.refresh_token_ttl.as_secs(),
        account_id: claims.account_id,
        role: claims.role,
        device_id: claims.device_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_constant_is_the_encoded_header() {
        assert_eq!(B64.encode(br#"{"alg":"HS256","typ":"JWT"}"#), HEADER);
    }

    const NOW_MS: i64 = 1_800_000_000_000;
    const TTL: Duration = Duration::from_secs(900);

    fn claims() -> AccessClaims {
        AccessClaims {
            account_id: "a1".into(),
            role: Role::Worker,
            device_id: Some("d1".into()),
        }
    }

    #[test]
    fn access_tokens_verify_until_they_expire() {
        let keys = ServerKeys::derive(&[7; 32]);
        let token = issue_access_token(&keys, &claims(), NOW_MS, TTL);
        assert_eq!(verify_access_token(&keys, &token, NOW_MS), Ok(claims()));
        assert_eq!(
            verify_access_token(&keys, &token, NOW_MS + 899_999),
            Ok(claims())
        );
        assert_eq!(
            verify_access_token(&keys, &token, NOW_MS + 900_000),
            Err(AccessTokenError::Expired)
        );
    }

    #[test]
    fn forged_tokens_are_refused() {
        let keys = ServerKeys::derive(&[7; 32]);
        let token = issue_access_token(&keys, &claims(), NOW_MS, TTL);
        let other_key = issue_access_token(&ServerKeys::derive(&[8; 32]), &claims(), NOW_MS, TTL);
        let (header, rest) = token.split_once('.').unwrap();
        let (payload, tag) = rest.split_once('.').unwrap();
        let admin = B64.encode(
            String::from_utf8(B64.decode(payload).unwrap())
                .unwrap()
                .replace("worker", "admin"),
        );
        let none_header = B64.encode(br#"{"alg":"none","typ":"JWT"}"#);
        for forged in [
            other_key,
            format!("{header}.{admin}.{tag}"),
            format!("{none_header}.{payload}."),
            format!("{none_header}.{payload}.{tag}"),
            format!("{header}.{payload}"),
            String::new(),
            "x".repeat(5000),
        ] {
            assert_eq!(
                verify_access_token(&keys, &forged, NOW_MS),
                Err(AccessTokenError::Invalid),
                "{forged}"
            );
        }
        assert_eq!(header, HEADER);
    }

    #[test]
    fn refresh_tokens_are_random_and_digested() {
        let (a, digest_a) = new_refresh_token();
        let (b, _) = new_refresh_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(refresh_token_digest(&a), digest_a);
        assert_eq!(digest_a.len(), 32);
    }
}
