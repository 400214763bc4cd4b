//! The platform key store, as the core sees it.
//!
//! Data keys never reach disk in clear: the store keeps them only wrapped by a
//! `KeyVault`, which the Android shell implements with the Android Keystore,
//! the iPhone shell with the Keychain, and the CLI and tests with
//! [`super::SoftwareVault`].

use zeroize::Zeroizing;

use super::DataCategory;

/// Why the key store could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// The key store or its key is not there (deleted, locked, not yet unlocked).
    #[error("key store unavailable: {reason}")]
    Unavailable { reason: String },
    /// The key store refused the wrapped key: it was wrapped by another key.
    #[error("key store refused the key: {reason}")]
    Rejected { reason: String },
}

/// Wraps and unwraps the per-category data keys with a key the platform holds.
pub trait KeyVault: Send + Sync {
    /// Seals a data key under the platform's key, bound to `category`.
    fn wrap(&self, category: DataCategory, key: &[u8]) -> Result<Vec<u8>, VaultError>;

    /// Opens a key sealed by [`KeyVault::wrap`] for the same category.
    fn unwrap(
        &self,
        category: DataCategory,
        wrapped: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, VaultError>;

    /// Forgets any platform key held for `category` alone (crypto-shredding).
    /// A vault with one key for every category has nothing to forget.
    fn destroy(&self, category: DataCategory) -> Result<(), VaultError>;
}
