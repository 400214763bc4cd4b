//! A phone's sensors, simulated for the tests that check in: a GPS fix at a
//! place, taken at the test's clock, and a WiFi scan that finds nothing.

use std::time::{SystemTime, UNIX_EPOCH};

use laowu_core::app::{LocationSensor, RawObservation, WifiSensor};
use laowu_core::attendance::{Datum, Provider, RawReading};

/// Wall time, ms since the epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_millis() as i64
}

/// A fresh 10 m GPS fix at (`lat`, `lon`), stamped by `clock` (wall and
/// elapsed time alike, as a phone that booted at the epoch would).
pub struct FixAt {
    pub lat: f64,
    pub lon: f64,
    pub clock: fn() -> i64,
}

impl FixAt {
    pub fn new(lat: f64, lon: f64) -> Self {
        FixAt {
            lat,
            lon,
            clock: now_ms,
        }
    }
}

impl LocationSensor for FixAt {
    fn current_fix(&self) -> Option<RawReading> {
        let now = (self.clock)();
        Some(RawReading {
            lat: self.lat,
            lon: self.lon,
            accuracy_m: 10.0,
            datum: Datum::Wgs84,
            provider: Provider::Gps,
            device_time_ms: now,
            elapsed_ms: now,
            mock: false,
            speed_mps: None,
        })
    }
}

pub struct NoWifi;

impl WifiSensor for NoWifi {
    fn scan(&self) -> Vec<RawObservation> {
        Vec::new()
    }
}
