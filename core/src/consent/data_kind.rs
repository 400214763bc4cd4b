//! The controlled vocabulary of personal data items a purpose collects. The
//! policy's `data` lists say it in words for people; `kinds` say it in these
//! terms for code: which category seals it and how the app-store disclosures
//! (Play data safety, Apple privacy manifest) name it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::store::DataCategory;

macro_rules! data_kinds {
    ($($variant:ident => $name:literal, $category:ident;)*) => {
        /// One kind of personal data item.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum DataKind { $($variant,)* }

        impl DataKind {
            pub const ALL: &'static [DataKind] = &[$(DataKind::$variant,)*];

            pub const fn as_str(self) -> &'static str {
                match self { $(DataKind::$variant => $name,)* }
            }

            /// The category whose key seals this kind of data.
            pub const fn category(self) -> DataCategory {
                match self { $(DataKind::$variant => DataCategory::$category,)* }
            }
        }
    };
}

data_kinds! {
    Name => "name", Identity;
    PhoneNumber => "phone_number", Identity;
    GovernmentId => "government_id", Identity;
    IdCardPhoto => "id_card_photo", Identity;
    Address => "address", Identity;
    Occupation => "occupation", Identity;
    Face => "face", Face;
    BankAccount => "bank_account", Financial;
    PreciseLocation => "precise_location", Location;
    WifiInfo => "wifi_info", Location;
    DeviceId => "device_id", Device;
    DeviceInfo => "device_info", Device;
    CrashLog => "crash_log", Device;
    IpAddress => "ip_address", Device;
    OperationLog => "operation_log", Device;
    BiometricVerdict => "biometric_verdict", Device;
    Preferences => "preferences", Device;
    CallRecord => "call_record", Support;
    SupportMessage => "support_message", Support;
}

impl fmt::Display for DataKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name matched no data kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown data kind")]
pub struct UnknownDataKind;

impl FromStr for DataKind {
    type Err = UnknownDataKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DataKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or(UnknownDataKind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_serialise_as_named() {
        for &k in DataKind::ALL {
            assert_eq!(k.as_str().parse::<DataKind>(), Ok(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        assert_eq!("gps".parse::<DataKind>(), Err(UnknownDataKind));
    }
}
