//! The data categories, as the shells see them.

use laowu_core::store::DataCategory as Core;

/// A category of personal data with its own key (see the core's `DataCategory`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum DataCategory {
    Identity,
    Location,
    Face,
    Financial,
    Consent,
    Ledger,
    Device,
    Support,
}

impl From<DataCategory> for Core {
    fn from(c: DataCategory) -> Self {
        match c {
            DataCategory::Identity => Core::Identity,
            DataCategory::Location => Core::Location,
            DataCategory::Face => Core::Face,
            DataCategory::Financial => Core::Financial,
            DataCategory::Consent => Core::Consent,
            DataCategory::Ledger => Core::Ledger,
            DataCategory::Device => Core::Device,
            DataCategory::Support => Core::Support,
        }
    }
}

impl From<Core> for DataCategory {
    fn from(c: Core) -> Self {
        match c {
            Core::Identity => DataCategory::Identity,
            Core::Location => DataCategory::Location,
            Core::Face => DataCategory::Face,
            Core::Financial => DataCategory::Financial,
            Core::Consent => DataCategory::Consent,
            Core::Ledger => DataCategory::Ledger,
            Core::Device => DataCategory::Device,
            Core::Support => DataCategory::Support,
        }
    }
}
