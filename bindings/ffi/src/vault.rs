//! `KeyVault`: the platform key store (Android Keystore, iOS Keychain),
//! implemented by the shells and adapted to the core's trait.

use std::sync::Arc;

use laowu_core::store as core;
use zeroize::Zeroizing;

use crate::DataCategory;

/// Why the platform key store could not do what was asked.
#[derive(Debug, Clone, thiserror::Error, uniffi::Error)]
pub enum VaultError {
    /// The key store or its key is not there (deleted, locked, not yet unlocked).
    #[error("key store unavailable: {reason}")]
    Unavailable { reason: String },
    /// The wrapped key does not authenticate under the platform's key.
    #[error("key store refused the key: {reason}")]
    Rejected { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for VaultError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        // An exception the shell did not declare: treat the key as unavailable,
        // without echoing the foreign message (it could carry anything).
        let _ = e;
        VaultError::Unavailable {
            reason: "the key store failed unexpectedly".into(),
        }
    }
}

/// Wraps and unwraps the per-category 32-byte data keys with a key the platform
/// holds and never exports.
#[uniffi::export(foreign)]
pub trait KeyVault: Send + Sync {
    /// Seals `key` under the platform's key, bound to `category`.
    fn wrap(&self, category: DataCategory, key: Vec<u8>) -> Result<Vec<u8>, VaultError>;
    /// Opens a key sealed by `wrap` for the same category: `Rejected` if it does
    /// not authenticate, `Unavailable` if the platform key is gone or locked.
    fn unwrap(&self, category: DataCategory, wrapped: Vec<u8>) -> Result<Vec<u8>, VaultError>;
    /// Forgets any platform key held for `category` alone (crypto-shredding).
    fn destroy(&self, category: DataCategory) -> Result<(), VaultError>;
}

/// Presents a shell's vault to the core.
pub(crate) struct ForeignVault(pub Arc<dyn KeyVault>);

fn to_core(e: VaultError) -> core::VaultError {
    match e {
        VaultError::Unavailable { reason } => core::VaultError::Unavailable { reason },
        VaultError::Rejected { reason } => core::VaultError::Rejected { reason },
    }
}

impl core::KeyVault for ForeignVault {
    fn wrap(&self, category: core::DataCategory, key: &[u8]) -> Result<Vec<u8>, core::VaultError> {
        self.0.wrap(category.into(), key.to_vec()).map_err(to_core)
    }

    fn unwrap(
        &self,
        category: core::DataCategory,
        wrapped: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, core::VaultError> {
        self.0
            .unwrap(category.into(), wrapped.to_vec())
            .map(Zeroizing::new)
            .map_err(to_core)
    }

    fn destroy(&self, category: core::DataCategory) -> Result<(), core::VaultError> {
        self.0.destroy(category.into()).map_err(to_core)
    }
}
