//! Passwords: length rules, and argon2id hashing on tokio's blocking pool
//! (each hash is tens of milliseconds of CPU, too long for a worker thread).

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use crate::config::PasswordHashParams;
use crate::crypto::random_bytes;
use crate::http::ApiError;

const MIN_CHARS: usize = 8;
const MAX_CHARS: usize = 128;

/// A password that met the rules; wiped from memory when dropped.
pub struct Password(Zeroizing<String>);

impl Password {
    /// `field` is the wire name the error names (`password`, `new_password`).
    pub fn new(field: &'static str, text: String) -> Result<Password, ApiError> {
        let text = Zeroizing::new(text);
        let chars = text.chars().count();
        if !(MIN_CHARS..=MAX_CHARS).contains(&chars) {
            return Err(ApiError::invalid_field(
                field,
                "must be 8 to 128 characters",
            ));
        }
        Ok(Password(text))
    }
}

pub struct PasswordHasher {
    params: Params,
    /// A hash of a random password, verified against when the account does
    /// not exist so that a login takes as long either way.
    decoy: String,
}

impl PasswordHasher {
    /// Blocking: computes the decoy hash.
    pub fn new(p: PasswordHashParams) -> Result<Self, argon2::password_hash::Error> {
        let params = Params::new(p.memory_kib, p.iterations, p.parallelism, None)?;
        let mut random = Zeroizing::new([0u8; 24]);
        random_bytes(&mut random[..]);
        let decoy = hash_blocking(&params, &random[..])?;
        Ok(PasswordHasher { params, decoy })
    }

    /// An argon2id PHC string (`$argon2id$v=19$m=…`) with a fresh salt.
    pub async fn hash(&self, password: Password) -> Result<String, ApiError> {
        let params = self.params.clone();
        tokio::task::spawn_blocking(move || hash_blocking(&params, password.0.as_bytes()))
            .await
            .map_err(|_| ApiError::internal())?
            .map_err(|e| {
                tracing::error!(error = %e, "password hashing failed");
                ApiError::internal()
            })
    }

    /// Checks `password` against `stored`, or against the decoy (and then
    /// fails) when there is no account. Parameters come from the stored
    /// hash, so raising the cost later leaves old hashes verifiable.
    pub async fn verify(&self, password: String, stored: Option<String>) -> bool {
        let password = Zeroizing::new(password);
        let exists = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.decoy.clone());
        let checked = tokio::task::spawn_blocking(move || {
            Argon2::default()
                .verify_password(password.as_bytes(), hash.as_str())
                .is_ok()
        })
        .await
        .unwrap_or(false);
        exists && checked
    }
}

fn hash_blocking(params: &Params, password: &[u8]) -> Result<String, argon2::password_hash::Error> {
    let mut salt = [0u8; 16];
    random_bytes(&mut salt);
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    Ok(argon2.hash_password_with_salt(password, &salt)?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let hasher = PasswordHasher::new(PasswordHashParams::INSECURE_FAST).unwrap();
        let hash = hasher
            .hash(Password::new("password", "correct horse".into()).unwrap())
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{hash}");
        assert!(
            hasher
                .verify("correct horse".into(), Some(hash.clone()))
                .await
        );
        assert!(!hasher.verify("wrong horse".into(), Some(hash)).await);
        assert!(!hasher.verify("correct horse".into(), None).await);
    }

    #[test]
    fn production_parameters_are_owasps() {
        let p = PasswordHashParams::default();
        assert_eq!((p.memory_kib, p.iterations, p.parallelism), (19456, 2, 1));
    }

    #[test]
    fn length_is_counted_in_characters() {
        assert!(Password::new("password", "七个字的密码七".into()).is_err());
        assert!(Password::new("password", "八个字的密码八八".into()).is_ok());
        assert!(Password::new("password", "x".repeat(128)).is_ok());
        let err = Password::new("new_password", "x".repeat(129))
            .err()
            .unwrap()
            .body();
        assert_eq!(err.field.as_deref(), Some("new_password"));
    }
}
