//! The device's Ed25519 signing key: generated on first use, its private half
//! kept only sealed in the store like any other secret. It signs consent
//! receipts (and, with attendance, check-in records).

use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use zeroize::Zeroizing;

use crate::store::{DataCategory, Store, StoreError};

const NAME: &str = "device.signing_key";

pub struct DeviceKey {
    pair: Ed25519KeyPair,
}

impl DeviceKey {
    /// Loads the device key, creating and storing one on first use.
    pub fn load_or_create(store: &Store) -> Result<Self, StoreError> {
        if let Some(pkcs8) = store.get_secret(DataCategory::Device, NAME)? {
            let pair = Ed25519KeyPair::from_pkcs8(&pkcs8).map_err(|_| StoreError::Corrupt {
                reason: "the device signing key is unreadable".into(),
            })?;
            return Ok(Self { pair });
        }
        let pkcs8 =
            Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| StoreError::Io {
                reason: "the random source failed".into(),
            })?;
        let pkcs8 = Zeroizing::new(pkcs8.as_ref().to_vec());
        store.put_secret(DataCategory::Device, NAME, &pkcs8)?;
        let pair = Ed25519KeyPair::from_pkcs8(&pkcs8).expect("a freshly generated key parses");
        Ok(Self { pair })
    }

    /// The public key, hex.
    pub fn public_hex(&self) -> String {
        hex::encode(self.pair.public_key().as_ref())
    }

    /// Signs `message`; the signature, hex.
    pub fn sign_hex(&self, message: &[u8]) -> String {
        hex::encode(self.pair.sign(message).as_ref())
    }
}
