//! Geodetic datums: WGS-84 and GCJ-02, and the conversion between them.
//!
//! GCJ-02 is the datum mandated for published maps of mainland China: a
//! WGS-84 position shifted by a deliberately obfuscating, position-dependent
//! offset of a few hundred metres. Chinese map and location SDKs (Amap,
//! Tencent) report GCJ-02; a raw GPS chip and Android's platform location
//! provider report WGS-84. A site drawn on a Chinese map and a fix from the
//! GPS chip therefore disagree by hundreds of metres unless one is converted.
//! (Baidu's BD-09 is a further shift on top of GCJ-02 and is not handled
//! here.)
//!
//! The forward transform below is the widely published reverse-engineered
//! formula (as found in, e.g., the `eviltransform` projects and countless map
//! utilities): Krasovsky 1940 ellipsoid constants `a = 6378245.0`,
//! `ee = 0.00669342162296594323`, and the `transformLat`/`transformLon`
//! polynomials evaluated at `(lon - 105, lat - 35)`. The official algorithm
//! is not published; this formula's agreement with it is known empirically,
//! and is observed to be well within the accuracy of a phone fix.
//!
//! There is no closed-form inverse; [`gcj02_to_wgs84`] inverts by fixed-point
//! iteration.

use super::coords::LatLon;

/// The datum a position is expressed in (`wgs84` or `gcj02` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Datum {
    /// World Geodetic System 1984: GPS, and maps outside mainland China.
    Wgs84,
    /// The Chinese "Mars" datum: maps and location SDKs in mainland China.
    Gcj02,
}

impl Datum {
    /// Parses `wgs84` or `gcj02`; the error names `field`.
    pub fn parse(field: &'static str, s: &str) -> Result<Self, super::AttendanceError> {
        match s {
            "wgs84" => Ok(Datum::Wgs84),
            "gcj02" => Ok(Datum::Gcj02),
            _ => Err(super::AttendanceError::invalid(
                field,
                "must be wgs84 or gcj02",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Datum::Wgs84 => "wgs84",
            Datum::Gcj02 => "gcj02",
        }
    }

    /// Expresses `position`, given in `self`, in the datum `to`.
    pub fn convert(self, position: LatLon, to: Datum) -> LatLon {
        match (self, to) {
            (Datum::Wgs84, Datum::Gcj02) => wgs84_to_gcj02(position),
            (Datum::Gcj02, Datum::Wgs84) => gcj02_to_wgs84(position),
            (Datum::Wgs84, Datum::Wgs84) | (Datum::Gcj02, Datum::Gcj02) => position,
        }
    }
}

/// Semi-major axis of the Krasovsky 1940 ellipsoid, in metres.
const A: f64 = 6378245.0;
/// First eccentricity squared of the Krasovsky 1940 ellipsoid (1/f = 298.3).
// Written as published, so it can be recognised; f64 rounds the last digits.
#[allow(clippy::excessive_precision)]
const EE: f64 = 0.00669342162296594323;

/// Bounds of the conventional "is it in China" box (degrees).
const CHINA_LON_MIN: f64 = 72.004;
const CHINA_LON_MAX: f64 = 137.8347;
const CHINA_LAT_MIN: f64 = 0.8293;
const CHINA_LAT_MAX: f64 = 55.8271;

/// Whether a position falls in the box within which GCJ-02 differs from
/// WGS-84: longitude 72.004..=137.8347, latitude 0.8293..=55.8271.
///
/// This is the conventional rough approximation used by the published
/// transform, not the border of mainland China. It is honest to say what it
/// gets wrong: Hong Kong, Macau and Taiwan lie inside the box, although maps
/// there are not required to use GCJ-02 (and many use WGS-84); so do parts of
/// Mongolia, the Korean peninsula, Japan, and much of South-East and South
/// Asia. Positions in those places are shifted as if they were in mainland
/// China. That is still the behaviour the map SDKs share, which is what
/// matters for comparing a site drawn on one of them with a fix; a site
/// outside mainland China should be stored in WGS-84, where no conversion
/// applies to a WGS-84 fix.
pub fn in_china_box(position: LatLon) -> bool {
    in_box(position.lat(), position.lon())
}

fn in_box(lat: f64, lon: f64) -> bool {
    (CHINA_LON_MIN..=CHINA_LON_MAX).contains(&lon) && (CHINA_LAT_MIN..=CHINA_LAT_MAX).contains(&lat)
}

/// WGS-84 → GCJ-02. The identity outside [`in_china_box`].
pub fn wgs84_to_gcj02(position: LatLon) -> LatLon {
    let (lat, lon) = (position.lat(), position.lon());
    if !in_box(lat, lon) {
        return position;
    }
    let (d_lat, d_lon) = offset(lat, lon);
    LatLon::new_unchecked(lat + d_lat, lon + d_lon)
}

/// The largest disagreement, in degrees, between the forward transform of the
/// estimate and the GCJ-02 input at which [`gcj02_to_wgs84`] stops (about
/// 1 cm).
const INVERSE_TOLERANCE_DEG: f64 = 1e-7;
/// The most iterations [`gcj02_to_wgs84`] makes; the tests check that a
/// handful suffice.
const INVERSE_MAX_ITERATIONS: usize = 30;

/// GCJ-02 → WGS-84. The identity outside [`in_china_box`].
///
/// Finds the WGS-84 position `w` whose forward transform is the input `g` by
/// fixed-point iteration, `w ← w − (forward(w) − g)`, starting from `g`, and
/// stops when `forward(w)` is within 1e-7 degrees (about a centimetre) of `g`
/// or after 30 iterations. The offset field varies slowly, so each step
/// shrinks the error by orders of magnitude; the result is accurate to well
/// under a metre.
///
/// Within a few hundred metres of the edge of the box the inverse is not
/// well defined (a GCJ-02 position there may come from a WGS-84 position on
/// either side of the edge, or from none); the result is then the best
/// estimate the iteration reaches, or the input itself when the input lies
/// outside the box.
pub fn gcj02_to_wgs84(position: LatLon) -> LatLon {
    let (g_lat, g_lon) = (position.lat(), position.lon());
    if !in_box(g_lat, g_lon) {
        return position;
    }
    let (lat, lon, _) = invert(g_lat, g_lon);
    // The estimate stays within a fraction of a degree of a valid input that
    // lies inside the box, hence within range; clamp only as a belt and braces.
    LatLon::new_unchecked(lat.clamp(-90.0, 90.0), lon.clamp(-180.0, 180.0))
}

/// The fixed-point iteration behind [`gcj02_to_wgs84`]; also returns how many
/// forward transforms it evaluated.
fn invert(g_lat: f64, g_lon: f64) -> (f64, f64, usize) {
    let (mut lat, mut lon) = (g_lat, g_lon);
    for i in 1..=INVERSE_MAX_ITERATIONS {
        let (f_lat, f_lon) = forward_raw(lat, lon);
        let (e_lat, e_lon) = (f_lat - g_lat, f_lon - g_lon);
        if e_lat.abs() < INVERSE_TOLERANCE_DEG && e_lon.abs() < INVERSE_TOLERANCE_DEG {
            return (lat, lon, i);
        }
        lat -= e_lat;
        lon -= e_lon;
    }
    (lat, lon, INVERSE_MAX_ITERATIONS)
}

/// The forward transform on raw degrees, identity outside the box.
fn forward_raw(lat: f64, lon: f64) -> (f64, f64) {
    if !in_box(lat, lon) {
        return (lat, lon);
    }
    let (d_lat, d_lon) = offset(lat, lon);
    (lat + d_lat, lon + d_lon)
}

/// The GCJ-02 offset (degrees of latitude, degrees of longitude) to add to a
/// WGS-84 position.
fn offset(lat: f64, lon: f64) -> (f64, f64) {
    use std::f64::consts::PI;
    let x = lon - 105.0;
    let y = lat - 35.0;
    let d_lat = transform_lat(x, y);
    let d_lon = transform_lon(x, y);
    let rad_lat = lat / 180.0 * PI;
    let sin_lat = rad_lat.sin();
    let magic = 1.0 - EE * sin_lat * sin_lat;
    let sqrt_magic = magic.sqrt();
    // Metres to degrees on the Krasovsky ellipsoid: divide by the meridional
    // radius of curvature (latitude) or by the parallel's radius (longitude).
    let d_lat = (d_lat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let d_lon = (d_lon * 180.0) / (A / sqrt_magic * rad_lat.cos() * PI);
    (d_lat, d_lon)
}

fn transform_lat(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    ret
}

fn transform_lon(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    ret
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Distance, Haversine};
    use proptest::prelude::*;

    fn p(lat: f64, lon: f64) -> LatLon {
        LatLon::new(lat, lon).unwrap()
    }

    fn metres(a: LatLon, b: LatLon) -> f64 {
        Haversine.distance(a.to_point(), b.to_point())
    }

    /// Vectors computed with an independent transcription of the published
    /// formula (double precision), for three city centres.
    const VECTORS: [((f64, f64), (f64, f64)); 3] = [
        // Tiananmen, Beijing
        (
            (39.9087, 116.3975),
            (39.910_103_499_344_76, 116.403_743_572_651_76),
        ),
        // The Bund, Shanghai
        (
            (31.2397, 121.4998),
            (31.237_686_003_172_286, 121.504_232_754_235_28),
        ),
        // Futian, Shenzhen
        (
            (22.5431, 114.0579),
            (22.540_382_814_222_46, 114.063_013_998_565_47),
        ),
    ];

    #[test]
    fn forward_matches_the_known_vectors() {
        for ((lat, lon), (g_lat, g_lon)) in VECTORS {
            let g = wgs84_to_gcj02(p(lat, lon));
            assert!((g.lat() - g_lat).abs() < 1e-9, "lat");
            assert!((g.lon() - g_lon).abs() < 1e-9, "lon");
        }
    }

    #[test]
    fn inverse_recovers_the_known_vectors() {
        for ((lat, lon), (g_lat, g_lon)) in VECTORS {
            let w = gcj02_to_wgs84(p(g_lat, g_lon));
            assert!(metres(w, p(lat, lon)) < 0.05);
        }
    }

    #[test]
    fn the_offset_in_beijing_is_a_few_hundred_metres() {
        let wgs = p(39.9087, 116.3975);
        let gcj = wgs84_to_gcj02(wgs);
        let d = metres(wgs, gcj);
        assert!((100.0..=700.0).contains(&d), "offset {d} m");
        // The shift is north-east in Beijing.
        assert!(gcj.lat() > wgs.lat() && gcj.lon() > wgs.lon());
    }

    #[test]
    fn identity_outside_the_box() {
        for (lat, lon) in [
            (51.5074, -0.1278),   // London
            (-33.8688, 151.2093), // Sydney
            (0.5, 100.0),         // just south of the box
            (56.0, 100.0),        // just north
            (40.0, 71.9),         // just west
            (40.0, 138.0),        // just east
            (90.0, 180.0),
            (-90.0, -180.0),
        ] {
            let q = p(lat, lon);
            assert!(!in_china_box(q));
            assert_eq!(wgs84_to_gcj02(q), q);
            assert_eq!(gcj02_to_wgs84(q), q);
        }
    }

    #[test]
    fn the_box_includes_hong_kong_macau_and_taiwan() {
        // Documented limitation of the conventional box.
        assert!(in_china_box(p(22.3193, 114.1694))); // Hong Kong
        assert!(in_china_box(p(22.1987, 113.5439))); // Macau
        assert!(in_china_box(p(25.0330, 121.5654))); // Taipei
    }

    #[test]
    fn convert_between_datums() {
        let wgs = p(31.2397, 121.4998);
        let gcj = Datum::Wgs84.convert(wgs, Datum::Gcj02);
        assert_eq!(gcj, wgs84_to_gcj02(wgs));
        assert_eq!(Datum::Wgs84.convert(wgs, Datum::Wgs84), wgs);
        assert_eq!(Datum::Gcj02.convert(gcj, Datum::Gcj02), gcj);
        assert!(metres(Datum::Gcj02.convert(gcj, Datum::Wgs84), wgs) < 0.05);
    }

    /// Points well inside the box (0.1 degrees from every edge), where the
    /// inverse is well defined.
    fn inside_china() -> impl Strategy<Value = LatLon> {
        (
            (CHINA_LAT_MIN + 0.1)..(CHINA_LAT_MAX - 0.1),
            (CHINA_LON_MIN + 0.1)..(CHINA_LON_MAX - 0.1),
        )
            .prop_map(|(lat, lon)| p(lat, lon))
    }

    fn outside_china() -> impl Strategy<Value = LatLon> {
        prop_oneof![
            (-90.0f64..CHINA_LAT_MIN - 1e-9, -180.0f64..=180.0),
            (CHINA_LAT_MAX + 1e-9..=90.0f64, -180.0f64..=180.0),
            (-90.0f64..=90.0, -180.0f64..CHINA_LON_MIN - 1e-9),
            (-90.0f64..=90.0, CHINA_LON_MAX + 1e-9..=180.0f64),
        ]
        .prop_map(|(lat, lon)| p(lat, lon))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn inverse_of_forward_is_within_half_a_metre(w in inside_china()) {
            let back = gcj02_to_wgs84(wgs84_to_gcj02(w));
            let d = metres(back, w);
            prop_assert!(d < 0.5, "round trip off by {} m", d);
        }

        #[test]
        fn forward_of_inverse_is_within_half_a_metre(g in inside_china()) {
            let again = wgs84_to_gcj02(gcj02_to_wgs84(g));
            let d = metres(again, g);
            prop_assert!(d < 0.5, "round trip off by {} m", d);
        }

        #[test]
        fn the_inverse_converges_in_a_handful_of_steps(g in inside_china()) {
            let (_, _, steps) = invert(g.lat(), g.lon());
            prop_assert!(steps <= 6, "{} steps", steps);
        }

        #[test]
        fn the_offset_is_bounded_inside_china(w in inside_china()) {
            // The published formula shifts by at most about a kilometre.
            let d = metres(wgs84_to_gcj02(w), w);
            prop_assert!(d < 1200.0, "offset {} m", d);
        }

        #[test]
        fn both_directions_are_the_identity_outside_china(q in outside_china()) {
            prop_assert_eq!(wgs84_to_gcj02(q), q);
            prop_assert_eq!(gcj02_to_wgs84(q), q);
        }

        #[test]
        fn conversion_never_leaves_the_valid_range(
            lat in -90.0f64..=90.0,
            lon in -180.0f64..=180.0,
        ) {
            let q = p(lat, lon);
            for r in [wgs84_to_gcj02(q), gcj02_to_wgs84(q)] {
                prop_assert!(r.lat().is_finite() && r.lat().abs() <= 90.0);
                prop_assert!(r.lon().is_finite() && r.lon().abs() <= 180.0);
            }
        }
    }
}
