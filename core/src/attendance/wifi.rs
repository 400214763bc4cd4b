//! WiFi evidence: a site's known access points and the phone's scan.
//!
//! Only a BSSID (the access point's hardware address) identifies an access
//! point; an SSID is a name anyone can give a hotspot, so a matching SSID
//! alone never counts as being at the site.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::AttendanceError;

/// The longest SSID 802.11 allows, in bytes.
const MAX_SSID_BYTES: usize = 32;
/// The most access points one scan may report; more is not a real scan.
pub const MAX_SCAN_ENTRIES: usize = 512;

/// A BSSID, normalised to lowercase `aa:bb:cc:dd:ee:ff`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Bssid(String);

impl Bssid {
    /// Parses six hexadecimal octets separated by `:` or `-`, any case.
    /// The all-zero and broadcast addresses are refused: platforms report
    /// them when the real BSSID is hidden from the app.
    pub fn parse(field: &'static str, s: &str) -> Result<Self, AttendanceError> {
        let invalid = || {
            AttendanceError::invalid(
                field,
                "must be six hexadecimal octets such as aa:bb:cc:dd:ee:ff",
            )
        };
        let octets: Vec<&str> = s.trim().split([':', '-']).collect();
        // iOS writes octets without their leading zero (a8:6:68:d9:71:b): one
        // digit is accepted and padded, so both platforms name an AP alike.
        if octets.len() != 6
            || octets
                .iter()
                .any(|o| o.is_empty() || o.len() > 2 || !o.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(invalid());
        }
        let normal = octets
            .iter()
            .map(|o| format!("{o:0>2}"))
            .collect::<Vec<_>>()
            .join(":")
            .to_ascii_lowercase();
        if normal == "00:00:00:00:00:00" || normal == "ff:ff:ff:ff:ff:ff" {
            return Err(AttendanceError::invalid(
                field,
                "is a placeholder address, not a real access point",
            ));
        }
        Ok(Bssid(normal))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Bssid {
    type Error = AttendanceError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Bssid::parse("bssid", &s)
    }
}

impl From<Bssid> for String {
    fn from(b: Bssid) -> String {
        b.0
    }
}

/// A BSSID seen near a worker is personal data (it locates them): redacted.
impl fmt::Debug for Bssid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bssid(<redacted>)")
    }
}

/// Checks an SSID: at most 32 bytes, no control characters. Empty is allowed
/// (hidden networks).
pub fn check_ssid(field: &'static str, ssid: &str) -> Result<(), AttendanceError> {
    if ssid.len() > MAX_SSID_BYTES {
        return Err(AttendanceError::invalid(field, "must be at most 32 bytes"));
    }
    if ssid.chars().any(char::is_control) {
        return Err(AttendanceError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// One access point a site lists as proof of presence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessPoint {
    pub bssid: Bssid,
    #[serde(default)]
    pub ssid: String,
}

/// One access point in a phone's scan (on iOS, only the connected network).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    pub bssid: Bssid,
    pub ssid: String,
    /// Signal strength in dBm (-127..=0).
    pub rssi_dbm: i32,
}

impl Observation {
    /// Checks one scanned access point; errors name `wifi.bssid`, `wifi.ssid`
    /// or `wifi.rssi`.
    pub fn new(bssid: &str, ssid: &str, rssi_dbm: i32) -> Result<Self, AttendanceError> {
        let bssid = Bssid::parse("wifi.bssid", bssid)?;
        check_ssid("wifi.ssid", ssid)?;
        if !(-127..=0).contains(&rssi_dbm) {
            return Err(AttendanceError::invalid(
                "wifi.rssi",
                "must be between -127 and 0 dBm",
            ));
        }
        Ok(Observation {
            bssid,
            ssid: ssid.to_string(),
            rssi_dbm,
        })
    }
}

impl fmt::Debug for Observation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Observation(<redacted>)")
    }
}

/// What the scan says about the site's access points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WifiMatch {
    /// A known BSSID was seen.
    pub matched: bool,
    /// The strongest matching access point's index in the site's list.
    pub access_point: Option<usize>,
    /// A known SSID was seen under an unknown BSSID: worth telling the worker
    /// (a hotspot named like the site's network does not count).
    pub ssid_only: bool,
}

/// Matches a scan against a site's access points, on BSSID only.
pub fn match_scan(known: &[AccessPoint], scan: &[Observation]) -> WifiMatch {
    let mut best: Option<(usize, i32)> = None;
    let mut ssid_only = false;
    for seen in scan {
        match known.iter().position(|ap| ap.bssid == seen.bssid) {
            Some(i) => {
                if best.is_none_or(|(_, rssi)| seen.rssi_dbm > rssi) {
                    best = Some((i, seen.rssi_dbm));
                }
            }
            None => {
                ssid_only |= !seen.ssid.is_empty() && known.iter().any(|ap| ap.ssid == seen.ssid);
            }
        }
    }
    WifiMatch {
        matched: best.is_some(),
        access_point: best.map(|(i, _)| i),
        ssid_only: ssid_only && best.is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ap(bssid: &str, ssid: &str) -> AccessPoint {
        AccessPoint {
            bssid: Bssid::parse("bssid", bssid).unwrap(),
            ssid: ssid.into(),
        }
    }

    #[test]
    fn bssids_are_normalised() {
        for s in [
            "AA:BB:CC:DD:EE:0F",
            "aa-bb-cc-dd-ee-0f",
            " aa:bb:cc:dd:ee:0f ",
        ] {
            assert_eq!(
                Bssid::parse("bssid", s).unwrap().as_str(),
                "aa:bb:cc:dd:ee:0f"
            );
        }
    }

    #[test]
    fn malformed_bssids_are_refused_naming_the_field() {
        for s in [
            "",
            "aa:bb:cc:dd:ee",
            "aa:bb:cc:dd:ee:ff:00",
            "aabbccddeeff",
            "aa:bb:cc:dd:ee:gg",
            "aaa:bb:cc:dd:ee:ff",
            "00:00:00:00:00:00",
            "FF:FF:FF:FF:FF:FF",
        ] {
            let err = Bssid::parse("wifi.bssid", s).unwrap_err();
            assert_eq!(err.field(), "wifi.bssid", "{s}");
        }
    }

    #[test]
    fn observations_are_checked() {
        assert!(Observation::new("aa:bb:cc:dd:ee:01", "工地WiFi", -60).is_ok());
        let field = |r: Result<Observation, AttendanceError>| r.unwrap_err().field().to_string();
        assert_eq!(field(Observation::new("x", "a", -60)), "wifi.bssid");
        assert_eq!(
            field(Observation::new("aa:bb:cc:dd:ee:01", &"x".repeat(33), -60)),
            "wifi.ssid"
        );
        assert_eq!(
            field(Observation::new("aa:bb:cc:dd:ee:01", "a\u{0}", -60)),
            "wifi.ssid"
        );
        assert_eq!(
            field(Observation::new("aa:bb:cc:dd:ee:01", "a", 5)),
            "wifi.rssi"
        );
    }

    #[test]
    fn only_a_known_bssid_matches() {
        let known = [
            ap("aa:bb:cc:dd:ee:01", "site"),
            ap("aa:bb:cc:dd:ee:02", "site"),
        ];
        let same_name = [Observation::new("11:22:33:44:55:66", "site", -40).unwrap()];
        let m = match_scan(&known, &same_name);
        assert!(!m.matched && m.ssid_only);

        let scan = [
            Observation::new("11:22:33:44:55:66", "site", -40).unwrap(),
            Observation::new("AA:BB:CC:DD:EE:01", "renamed", -80).unwrap(),
            Observation::new("aa:bb:cc:dd:ee:02", "", -50).unwrap(),
        ];
        let m = match_scan(&known, &scan);
        assert!(m.matched && !m.ssid_only);
        assert_eq!(m.access_point, Some(1), "the strongest match is chosen");
        assert!(!match_scan(&known, &[]).matched);
    }

    /// iOS cannot scan: its "scan" is the connected network alone, with no
    /// signal strength (the shell reports 0 dBm as a placeholder).
    #[test]
    fn the_connected_network_alone_is_enough() {
        let known = [
            ap("aa:bb:cc:dd:ee:01", "site"),
            ap("aa:bb:cc:dd:ee:02", "site"),
        ];
        let connected = [Observation::new("AA:BB:CC:DD:EE:02", "site", 0).unwrap()];
        let m = match_scan(&known, &connected);
        assert!(m.matched && !m.ssid_only);
        assert_eq!(m.access_point, Some(1));

        let elsewhere = [Observation::new("11:22:33:44:55:66", "home", 0).unwrap()];
        let m = match_scan(&known, &elsewhere);
        assert!(!m.matched && !m.ssid_only);
        assert_eq!(m.access_point, None);
    }

    #[test]
    fn debug_hides_bssids() {
        let o = Observation::new("aa:bb:cc:dd:ee:01", "home", -50).unwrap();
        let text = format!("{o:?} {:?}", o.bssid);
        assert!(!text.contains("aa:bb") && !text.contains("home"), "{text}");
    }

    #[test]
    fn octets_without_their_leading_zero_name_the_same_access_point() {
        let short = Bssid::parse("wifi", "A8:6:68:d9:71:b").unwrap();
        assert_eq!(short.as_str(), "a8:06:68:d9:71:0b");
        assert_eq!(short, Bssid::parse("wifi", "a8:06:68:d9:71:0b").unwrap());
        for bad in ["a8::68:d9:71:0b", "a8:006:68:d9:71:0b", "a8:6:68:d9:71"] {
            assert!(Bssid::parse("wifi", bad).is_err(), "{bad}");
        }
    }
}
