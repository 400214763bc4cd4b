//! Platform capabilities the shells implement: a location fix and a WiFi scan.
//!
//! The core reads them only through [`read_location`] and [`read_wifi`], which
//! take a [`Permit`]: no code path reaches a sensor without the gate's say.

use crate::attendance::{AttendanceError, MAX_SCAN_ENTRIES, Observation, RawReading, Reading};
use crate::consent::Permit;

/// One scanned access point as the platform reports it, unchecked.
#[derive(Clone)]
pub struct RawObservation {
    pub bssid: String,
    pub ssid: String,
    pub rssi_dbm: i32,
}

/// The phone's location capability (LocationManager / CoreLocation / Amap).
pub trait LocationSensor: Send + Sync {
    /// One fresh fix, or `None` when none is available (no signal, no
    /// OS permission).
    fn current_fix(&self) -> Option<RawReading>;
}

/// The phone's WiFi capability. On iOS this returns only the connected
/// network (`NEHotspotNetwork.fetchCurrent`), which the rules work with.
pub trait WifiSensor: Send + Sync {
    fn scan(&self) -> Vec<RawObservation>;
}

/// Reads and checks a fix. `_permit` proves the gate allowed it.
pub fn read_location(
    _permit: &Permit<'_>,
    sensor: &dyn LocationSensor,
) -> Result<Reading, AttendanceError> {
    let raw = sensor.current_fix().ok_or_else(|| {
        AttendanceError::invalid(
            "location",
            "no location fix is available: turn on location and try again",
        )
    })?;
    Reading::new(raw)
}

/// Reads and checks a scan. `_permit` proves the gate allowed it.
pub fn read_wifi(
    _permit: &Permit<'_>,
    sensor: &dyn WifiSensor,
) -> Result<Vec<Observation>, AttendanceError> {
    let raw = sensor.scan();
    if raw.len() > MAX_SCAN_ENTRIES {
        return Err(AttendanceError::invalid(
            "wifi",
            format!("a scan has at most {MAX_SCAN_ENTRIES} access points"),
        ));
    }
    raw.iter()
        .map(|o| Observation::new(&o.bssid, &o.ssid, o.rssi_dbm))
        .collect()
}
