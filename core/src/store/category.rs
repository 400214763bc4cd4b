//! Data categories: each has its own data key, so each can be shredded alone.

use std::fmt;
use std::str::FromStr;

/// A category of personal data. Every category has its own random data key,
/// wrapped by the platform's key store; destroying that key deletes the category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataCategory {
    /// Real-name data: name, mobile number, ID number, ID card photos, address.
    Identity,
    /// Coordinates, WiFi fixes and the timestamps of check-ins.
    Location,
    /// Face liveness verdicts from the face SDK.
    Face,
    /// Bank card and other financial accounts.
    Financial,
    /// Consent receipts and withdrawals.
    Consent,
    /// The SDK-permission ledger.
    Ledger,
    /// Device identifiers, logs and crash reports.
    Device,
    /// Customer-service call records and messages.
    Support,
}

impl DataCategory {
    /// Every category, in a fixed order (status output, migrations, tests).
    pub const ALL: [DataCategory; 8] = [
        DataCategory::Identity,
        DataCategory::Location,
        DataCategory::Face,
        DataCategory::Financial,
        DataCategory::Consent,
        DataCategory::Ledger,
        DataCategory::Device,
        DataCategory::Support,
    ];

    /// The stable name stored in clear in the database and used on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            DataCategory::Identity => "identity",
            DataCategory::Location => "location",
            DataCategory::Face => "face",
            DataCategory::Financial => "financial",
            DataCategory::Consent => "consent",
            DataCategory::Ledger => "ledger",
            DataCategory::Device => "device",
            DataCategory::Support => "support",
        }
    }
}

impl fmt::Display for DataCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name did not match any category.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown data category (expected one of identity, location, face, financial, consent, ledger)"
)]
pub struct UnknownCategory;

impl FromStr for DataCategory {
    type Err = UnknownCategory;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DataCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or(UnknownCategory)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_distinct() {
        for c in DataCategory::ALL {
            assert_eq!(c.as_str().parse::<DataCategory>(), Ok(c));
        }
        let mut names: Vec<_> = DataCategory::ALL.iter().map(|c| c.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), DataCategory::ALL.len());
        assert_eq!("Identity".parse::<DataCategory>(), Err(UnknownCategory));
    }
}
