//! Who can access personal data: third-party SDKs and platform capabilities.
//!
//! An SDK is named by its id in the privacy policy (`baidu-face-offline`,
//! `baidu`, `tencent-bugly`, `amap-location`); its name, vendor and links stay
//! in the policy, so this registry carries only the id. A capability is a
//! platform facility the core itself asks the shell to use (a location fix, a
//! WiFi scan, ...). Both print as `kind:name` (`sdk:amap-location`,
//! `capability:location`), the form stored in every ledger entry.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// The longest SDK id, as the policy allows.
const MAX_SDK_ID_LEN: usize = 64;
const SDK_PREFIX: &str = "sdk:";
const CAPABILITY_PREFIX: &str = "capability:";

/// An argument was refused. `reason` says what is allowed; it never repeats the
/// refused value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {reason}")]
pub struct InvalidInput {
    pub field: &'static str,
    pub reason: String,
}

impl InvalidInput {
    pub(crate) fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

/// A platform capability the core uses through the shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// A GPS or network location fix.
    Location,
    /// A scan of nearby WiFi access points (BSSID, SSID, signal).
    WifiScan,
    /// The camera (ID card photos, face capture).
    Camera,
    /// Device identifiers (Android ID, IDFV, OAID).
    DeviceIdentifiers,
    /// Biometric verification (face liveness).
    Biometric,
}

impl Capability {
    /// Every capability, in a fixed order.
    pub const ALL: [Capability; 5] = [
        Capability::Location,
        Capability::WifiScan,
        Capability::Camera,
        Capability::DeviceIdentifiers,
        Capability::Biometric,
    ];

    /// The stable snake_case name (stored in entries; never changes).
    pub const fn as_str(self) -> &'static str {
        match self {
            Capability::Location => "location",
            Capability::WifiScan => "wifi_scan",
            Capability::Camera => "camera",
            Capability::DeviceIdentifiers => "device_identifiers",
            Capability::Biometric => "biometric",
        }
    }

    /// The label shown to a worker in Simplified Chinese.
    pub const fn label_zh(self) -> &'static str {
        match self {
            Capability::Location => "位置信息",
            Capability::WifiScan => "WLAN 扫描",
            Capability::Camera => "相机",
            Capability::DeviceIdentifiers => "设备标识符",
            Capability::Biometric => "生物识别",
        }
    }

    /// The label in English.
    pub const fn label_en(self) -> &'static str {
        match self {
            Capability::Location => "Location",
            Capability::WifiScan => "WiFi scan",
            Capability::Camera => "Camera",
            Capability::DeviceIdentifiers => "Device identifiers",
            Capability::Biometric => "Biometrics",
        }
    }

    /// The accessor form, `capability:<name>`.
    const fn accessor_str(self) -> &'static str {
        match self {
            Capability::Location => "capability:location",
            Capability::WifiScan => "capability:wifi_scan",
            Capability::Camera => "capability:camera",
            Capability::DeviceIdentifiers => "capability:device_identifiers",
            Capability::Biometric => "capability:biometric",
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Capability {
    type Err = InvalidInput;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Capability::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                InvalidInput::new(
                    "accessor",
                    "unknown capability (expected location, wifi_scan, camera, \
                     device_identifiers or biometric)",
                )
            })
    }
}

/// Who accessed data: an SDK named by its policy id, or a platform capability.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Accessor {
    Sdk(SdkId),
    Capability(Capability),
}

impl Accessor {
    /// The SDK with this policy id.
    pub fn sdk(id: &str) -> Result<Self, InvalidInput> {
        SdkId::new(id).map(Accessor::Sdk)
    }

    /// Parses `sdk:<id>` or `capability:<name>`, as printed by [`Accessor::as_str`].
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        if let Some(id) = s.strip_prefix(SDK_PREFIX) {
            Self::sdk(id)
        } else if let Some(name) = s.strip_prefix(CAPABILITY_PREFIX) {
            name.parse().map(Accessor::Capability)
        } else {
            Err(InvalidInput::new(
                "accessor",
                "must be sdk:<policy id> or capability:<name>",
            ))
        }
    }

    /// The stable form `sdk:<id>` or `capability:<name>`.
    pub fn as_str(&self) -> &str {
        match self {
            Accessor::Sdk(id) => &id.0,
            Accessor::Capability(c) => c.accessor_str(),
        }
    }
}

impl fmt::Display for Accessor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Accessor {
    type Err = InvalidInput;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl From<Capability> for Accessor {
    fn from(c: Capability) -> Self {
        Accessor::Capability(c)
    }
}

impl Serialize for Accessor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

fn is_sdk_id(id: &str) -> bool {
    id.len() <= MAX_SDK_ID_LEN
        && id.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether [`Accessor::parse`] accepts `s`, without building it.
pub(crate) fn is_accessor(s: &str) -> bool {
    if let Some(id) = s.strip_prefix(SDK_PREFIX) {
        is_sdk_id(id)
    } else {
        Capability::ALL.iter().any(|c| c.accessor_str() == s)
    }
}

/// A third-party SDK's id as the privacy policy spells it: 1 to 64 of `a-z`,
/// `0-9` and `-`, starting with a letter. Whether the policy lists it is the
/// consent gate's business, not the ledger's.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SdkId(
    /// Held with its `sdk:` prefix so [`Accessor::as_str`] borrows.
    String,
);

impl SdkId {
    pub fn new(id: &str) -> Result<Self, InvalidInput> {
        if is_sdk_id(id) {
            Ok(Self(format!("{SDK_PREFIX}{id}")))
        } else {
            Err(InvalidInput::new(
                "accessor",
                format!(
                    "an SDK id must be 1 to {MAX_SDK_ID_LEN} of a-z, 0-9 and '-', \
                     starting with a letter"
                ),
            ))
        }
    }

    /// The policy id, without the `sdk:` prefix.
    pub fn as_str(&self) -> &str {
        &self.0[SDK_PREFIX.len()..]
    }
}

impl fmt::Display for SdkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_round_trip() {
        for s in [
            "sdk:baidu-face-offline",
            "sdk:baidu",
            "sdk:tencent-bugly",
            "sdk:amap-location",
            "capability:location",
            "capability:wifi_scan",
            "capability:camera",
            "capability:device_identifiers",
            "capability:biometric",
        ] {
            let a = Accessor::parse(s).unwrap();
            assert_eq!(a.as_str(), s);
            assert_eq!(a.to_string(), s);
            assert_eq!(s.parse::<Accessor>().unwrap(), a);
        }
        let amap = Accessor::sdk("amap-location").unwrap();
        let Accessor::Sdk(id) = &amap else {
            unreachable!()
        };
        assert_eq!(id.as_str(), "amap-location");
        assert_eq!(
            Accessor::from(Capability::WifiScan).as_str(),
            "capability:wifi_scan"
        );
    }

    #[test]
    fn capabilities_have_distinct_names_and_labels() {
        let mut names: Vec<_> = Capability::ALL.iter().map(|c| c.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Capability::ALL.len());
        for c in Capability::ALL {
            assert_eq!(c.as_str().parse::<Capability>(), Ok(c));
            assert_eq!(c.accessor_str(), format!("capability:{}", c.as_str()));
            assert!(!c.label_zh().is_ascii() && !c.label_en().is_empty());
        }
    }

    #[test]
    fn unknown_or_malformed_names_are_refused_with_the_field() {
        for s in [
            "",
            "amap-location",
            "sdk:",
            "sdk:Amap",
            "sdk:1baidu",
            "sdk:amap_location",
            "sdk:amap location",
            "capability:gps",
            "capability:",
            "Capability:location",
            "app:laowu",
        ] {
            let e = Accessor::parse(s).unwrap_err();
            assert_eq!(e.field, "accessor", "{s:?}");
        }
        assert!(Accessor::sdk(&"a".repeat(64)).is_ok());
        assert!(Accessor::sdk(&"a".repeat(65)).is_err());
        // The reason never repeats the refused value.
        let e = Accessor::parse("sdk:13800138000").unwrap_err();
        assert!(!e.to_string().contains("13800138000"));
    }
}
