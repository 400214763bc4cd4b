//! Disclosures generated from the one registry, the privacy policy's SDKs and
//! purposes: the zh-CN third-party SDK list, Google Play's Data safety answers
//! and Apple's privacy manifest. Each is a pure function of a [`Policy`], so
//! none can say more or less than the policy the consent gate enforces.
//!
//! [`Policy`]: crate::consent::Policy

mod apple;
pub mod mapping;
mod play;
mod sdk_list;

pub use apple::privacy_manifest;
pub use mapping::{
    AppleDataType, ApplePurpose, KindMapping, PlayDataType, PlayPurpose, PurposeUses, SdkTransfer,
    kind_mapping, purpose_uses, sdk_transfer,
};
pub use play::{PlayDataSafety, PlayRow, play_data_safety};
pub use sdk_list::sdk_list;

#[cfg(test)]
mod tests;
