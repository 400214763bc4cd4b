//! Validated coordinates and location fixes.

use std::fmt;

use super::AttendanceError;
use super::datum::Datum;

/// A latitude/longitude pair in degrees, checked on construction: both values
/// are finite, `lat` is within -90..=90 and `lon` within -180..=180.
///
/// The datum is not part of the value: a [`Fix`] carries it, and a fence
/// carries its own.
///
/// `Debug` is redacted, because a position is personal data.
#[derive(Clone, Copy, PartialEq)]
pub struct LatLon {
    lat: f64,
    lon: f64,
}

impl LatLon {
    /// Checks and builds a position. The error names `lat` or `lon` and
    /// never repeats the value.
    pub fn new(lat: f64, lon: f64) -> Result<Self, AttendanceError> {
        check_range("lat", lat, 90.0)?;
        check_range("lon", lon, 180.0)?;
        Ok(LatLon { lat, lon })
    }

    /// Builds a position the caller has already checked (datum conversions,
    /// whose output is always in range).
    pub(crate) fn new_unchecked(lat: f64, lon: f64) -> Self {
        debug_assert!(lat.is_finite() && lat.abs() <= 90.0);
        debug_assert!(lon.is_finite() && lon.abs() <= 180.0);
        LatLon { lat, lon }
    }

    /// Latitude in degrees, -90..=90.
    pub fn lat(&self) -> f64 {
        self.lat
    }

    /// Longitude in degrees, -180..=180.
    pub fn lon(&self) -> f64 {
        self.lon
    }

    /// The same position as a `geo` point (x = longitude, y = latitude).
    pub(crate) fn to_point(self) -> geo::Point<f64> {
        geo::Point::new(self.lon, self.lat)
    }
}

impl fmt::Debug for LatLon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LatLon(<redacted>)")
    }
}

fn check_range(field: &'static str, value: f64, limit: f64) -> Result<(), AttendanceError> {
    if !value.is_finite() {
        return Err(AttendanceError::invalid(field, "must be a finite number"));
    }
    if value.abs() > limit {
        let reason = if field == "lat" {
            "must be between -90 and 90 degrees"
        } else {
            "must be between -180 and 180 degrees"
        };
        return Err(AttendanceError::invalid(field, reason));
    }
    Ok(())
}

/// One location fix from the phone: a position, the radius of its accuracy
/// circle in metres (the platform's horizontal accuracy, taken as given), and
/// the datum the position is expressed in.
///
/// `Debug` is redacted, because a position is personal data.
#[derive(Clone, Copy, PartialEq)]
pub struct Fix {
    position: LatLon,
    accuracy_m: f64,
    datum: Datum,
}

impl Fix {
    /// Checks and builds a fix. Errors name `lat`, `lon` or `accuracy_m`.
    pub fn new(lat: f64, lon: f64, accuracy_m: f64, datum: Datum) -> Result<Self, AttendanceError> {
        let position = LatLon::new(lat, lon)?;
        Self::at(position, accuracy_m, datum)
    }

    /// Builds a fix from a position already checked.
    pub fn at(position: LatLon, accuracy_m: f64, datum: Datum) -> Result<Self, AttendanceError> {
        if !accuracy_m.is_finite() {
            return Err(AttendanceError::invalid(
                "accuracy_m",
                "must be a finite number",
            ));
        }
        if accuracy_m <= 0.0 {
            return Err(AttendanceError::invalid(
                "accuracy_m",
                "must be greater than 0 metres",
            ));
        }
        Ok(Fix {
            position,
            accuracy_m,
            datum,
        })
    }

    /// The position, in [`Fix::datum`].
    pub fn position(&self) -> LatLon {
        self.position
    }

    /// The radius of the accuracy circle, in metres (finite, > 0).
    pub fn accuracy_m(&self) -> f64 {
        self.accuracy_m
    }

    /// The datum of [`Fix::position`].
    pub fn datum(&self) -> Datum {
        self.datum
    }

    /// The position expressed in `datum`.
    pub fn position_in(&self, datum: Datum) -> LatLon {
        self.datum.convert(self.position, datum)
    }
}

impl fmt::Debug for Fix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fix")
            .field("position", &self.position)
            .field("accuracy_m", &self.accuracy_m)
            .field("datum", &self.datum)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn field_of(result: Result<impl fmt::Debug, AttendanceError>) -> String {
        result.expect_err("must be refused").field().to_string()
    }

    #[test]
    fn accepts_the_corners_of_the_range() {
        for (lat, lon) in [(90.0, 180.0), (-90.0, -180.0), (0.0, 0.0), (-0.0, -0.0)] {
            let p = LatLon::new(lat, lon).unwrap();
            assert_eq!((p.lat(), p.lon()), (lat, lon));
        }
    }

    #[test]
    fn refuses_non_finite_values_naming_the_field() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(field_of(LatLon::new(bad, 0.0)), "lat");
            assert_eq!(field_of(LatLon::new(0.0, bad)), "lon");
        }
    }

    #[test]
    fn refuses_out_of_range_values_naming_the_field() {
        assert_eq!(field_of(LatLon::new(90.000_001, 0.0)), "lat");
        assert_eq!(field_of(LatLon::new(-91.0, 0.0)), "lat");
        assert_eq!(field_of(LatLon::new(0.0, 180.000_001)), "lon");
        assert_eq!(field_of(LatLon::new(0.0, -181.0)), "lon");
        // Latitude is checked first: a swapped pair is reported on `lat`.
        assert_eq!(field_of(LatLon::new(116.4, 39.9)), "lat");
    }

    #[test]
    fn refuses_bad_accuracy() {
        for bad in [0.0, -0.0, -5.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(
                field_of(Fix::new(39.9, 116.4, bad, Datum::Wgs84)),
                "accuracy_m"
            );
        }
        let fix = Fix::new(39.9, 116.4, 0.001, Datum::Gcj02).unwrap();
        assert_eq!(fix.accuracy_m(), 0.001);
        assert_eq!(fix.datum(), Datum::Gcj02);
    }

    #[test]
    fn errors_and_debug_never_echo_the_value() {
        let err = LatLon::new(123.456_789, 0.0).unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(!text.contains("123"), "{text}");
        assert_eq!(
            err.to_string(),
            "invalid lat: must be between -90 and 90 degrees"
        );

        let err = Fix::new(39.9, 116.4, -7.25, Datum::Wgs84).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("7.25"));

        let fix = Fix::new(39.912_345, 116.456_789, 10.0, Datum::Wgs84).unwrap();
        let text = format!("{fix:?} {:?}", fix.position());
        assert!(!text.contains("39.9") && !text.contains("116.4"), "{text}");
    }

    proptest! {
        #[test]
        fn every_in_range_pair_is_accepted(lat in -90.0f64..=90.0, lon in -180.0f64..=180.0) {
            let p = LatLon::new(lat, lon).unwrap();
            prop_assert_eq!((p.lat(), p.lon()), (lat, lon));
        }

        #[test]
        fn every_out_of_range_lat_is_refused(
            lat in prop_oneof![90.000_000_1f64..1e300, -1e300f64..-90.000_000_1],
            lon in -180.0f64..=180.0,
        ) {
            prop_assert_eq!(LatLon::new(lat, lon).unwrap_err().field().to_string(), "lat");
        }

        #[test]
        fn every_out_of_range_lon_is_refused(
            lat in -90.0f64..=90.0,
            lon in prop_oneof![180.000_000_1f64..1e300, -1e300f64..-180.000_000_1],
        ) {
            prop_assert_eq!(LatLon::new(lat, lon).unwrap_err().field().to_string(), "lon");
        }

        #[test]
        fn any_f64_is_either_accepted_in_range_or_refused(
            lat in any::<f64>(),
            lon in any::<f64>(),
        ) {
            match LatLon::new(lat, lon) {
                Ok(p) => {
                    prop_assert!(p.lat().abs() <= 90.0 && p.lon().abs() <= 180.0);
                }
                Err(e) => prop_assert!(e.field() == "lat" || e.field() == "lon"),
            }
        }

        #[test]
        fn accuracy_is_accepted_only_when_finite_and_positive(acc in any::<f64>()) {
            let result = Fix::new(30.0, 110.0, acc, Datum::Wgs84);
            prop_assert_eq!(result.is_ok(), acc.is_finite() && acc > 0.0);
        }
    }
}
