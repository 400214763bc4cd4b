//! What the phone's location capability reports, checked before use.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::AttendanceError;
use super::coords::Fix;
use super::datum::Datum;

/// The largest accuracy radius accepted, in metres: beyond it the platform is
/// guessing from the country's cell towers, and the value is input error.
pub const MAX_ACCURACY_M: f64 = 100_000.0;
/// The fastest speed a platform may report, in m/s (about Mach 1); beyond it
/// the value is input error, not an anomaly.
const MAX_REPORTED_SPEED: f64 = 340.0;

/// Which positioning source produced a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Gps,
    Network,
    Fused,
}

impl Provider {
    pub fn parse(s: &str) -> Result<Self, AttendanceError> {
        match s {
            "gps" => Ok(Provider::Gps),
            "network" => Ok(Provider::Network),
            "fused" => Ok(Provider::Fused),
            _ => Err(AttendanceError::invalid(
                "provider",
                "must be gps, network or fused",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Gps => "gps",
            Provider::Network => "network",
            Provider::Fused => "fused",
        }
    }
}

/// A location fix as the platform reports it, with the signals the core uses
/// to tell a real fix from a replayed or invented one.
#[derive(Clone, Copy, PartialEq)]
pub struct Reading {
    pub fix: Fix,
    pub provider: Provider,
    /// The device's wall clock when the fix was taken, ms since the epoch
    /// (the user can change it: compared with trusted time, never trusted).
    pub device_time_ms: i64,
    /// Time since boot when the fix was taken, ms (monotonic; `elapsedRealtime`
    /// on Android, `systemUptime`-based on iOS): ages are measured with it.
    pub elapsed_ms: i64,
    /// The OS says the position came from a mock provider or a simulator.
    pub mock: bool,
    /// Speed over ground in m/s, when the platform reports it.
    pub speed_mps: Option<f64>,
}

/// The raw values a shell passes in, before checking.
#[derive(Clone, Copy)]
pub struct RawReading {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    pub datum: Datum,
    pub provider: Provider,
    pub device_time_ms: i64,
    pub elapsed_ms: i64,
    pub mock: bool,
    pub speed_mps: Option<f64>,
}

impl Reading {
    /// Checks a raw reading. Errors name `lat`, `lon`, `accuracy_m`,
    /// `elapsed_ms`, `device_time_ms` or `speed_mps`.
    pub fn new(raw: RawReading) -> Result<Self, AttendanceError> {
        let fix = Fix::new(raw.lat, raw.lon, raw.accuracy_m, raw.datum)?;
        if raw.accuracy_m > MAX_ACCURACY_M {
            return Err(AttendanceError::invalid(
                "accuracy_m",
                "must be at most 100000 metres",
            ));
        }
        if raw.elapsed_ms < 0 {
            return Err(AttendanceError::invalid(
                "elapsed_ms",
                "must not be negative",
            ));
        }
        if raw.device_time_ms <= 0 {
            return Err(AttendanceError::invalid(
                "device_time_ms",
                "must be a time after 1970",
            ));
        }
        if let Some(speed) = raw.speed_mps
            && !(speed.is_finite() && (0.0..=MAX_REPORTED_SPEED).contains(&speed))
        {
            return Err(AttendanceError::invalid(
                "speed_mps",
                "must be a finite number from 0 to 340 m/s",
            ));
        }
        Ok(Reading {
            fix,
            provider: raw.provider,
            device_time_ms: raw.device_time_ms,
            elapsed_ms: raw.elapsed_ms,
            mock: raw.mock,
            speed_mps: raw.speed_mps,
        })
    }
}

impl fmt::Debug for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reading")
            .field("fix", &self.fix)
            .field("provider", &self.provider)
            .field("mock", &self.mock)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawReading {
        RawReading {
            lat: 26.6,
            lon: 106.7,
            accuracy_m: 15.0,
            datum: Datum::Gcj02,
            provider: Provider::Fused,
            device_time_ms: 1_790_000_000_000,
            elapsed_ms: 3_600_000,
            mock: false,
            speed_mps: Some(0.5),
        }
    }

    #[test]
    fn a_good_reading_is_accepted() {
        let r = Reading::new(raw()).unwrap();
        assert_eq!(r.fix.accuracy_m(), 15.0);
        assert_eq!(r.provider, Provider::Fused);
    }

    #[test]
    fn bad_values_are_refused_naming_the_field() {
        type Spoil = fn(&mut RawReading);
        let cases: [(&str, Spoil); 8] = [
            ("lat", |r| r.lat = f64::NAN),
            ("lon", |r| r.lon = 200.0),
            ("accuracy_m", |r| r.accuracy_m = -1.0),
            ("accuracy_m", |r| r.accuracy_m = 1e9),
            ("elapsed_ms", |r| r.elapsed_ms = -1),
            ("device_time_ms", |r| r.device_time_ms = 0),
            ("speed_mps", |r| r.speed_mps = Some(f64::INFINITY)),
            ("speed_mps", |r| r.speed_mps = Some(-3.0)),
        ];
        for (field, spoil) in cases {
            let mut r = raw();
            spoil(&mut r);
            assert_eq!(Reading::new(r).unwrap_err().field(), field);
        }
    }

    #[test]
    fn providers_parse() {
        assert_eq!(Provider::parse("gps").unwrap(), Provider::Gps);
        assert_eq!(Provider::parse("GPS").unwrap_err().field(), "provider");
    }
}
