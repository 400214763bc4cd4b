//! Devices: the Ed25519 keys an account's phones sign their records with.

use laowu_protocol::Platform;

use super::{Inserted, StoreFuture};

pub struct NewDevice {
    pub id: String,
    pub account_id: String,
    /// 32 bytes.
    pub public_key: Vec<u8>,
    pub platform: Platform,
    pub registered_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    pub id: String,
    pub public_key: Vec<u8>,
    pub platform: Platform,
    pub registered_ms: i64,
}

pub trait DeviceStore {
    /// [`Inserted::Duplicate`] when the public key is already registered
    /// (to any account): one key, one device.
    fn insert_device(&self, device: NewDevice) -> StoreFuture<'_, Inserted>;

    /// The account's devices, oldest first.
    fn devices(&self, account_id: String) -> StoreFuture<'_, Vec<DeviceRecord>>;

    /// Whether the device exists and belongs to the account.
    fn device_belongs(&self, account_id: String, device_id: String) -> StoreFuture<'_, bool>;
}
