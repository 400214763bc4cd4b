//! The WGS-84 → GCJ-02 transform against vectors published by other,
//! widely used implementations of the same reverse-engineered formula, and
//! against a few outputs of the map services themselves.
//!
//! Only numbers are taken from those projects; the sources are named above
//! each table (repository and path on GitHub). Distances are measured with a
//! haversine written here, on the mean-radius sphere.

use laowu_core::attendance::{LatLon, gcj02_to_wgs84, in_china_box, wgs84_to_gcj02};

/// Mean Earth radius (GRS80 R1), in metres.
const R: f64 = 6_371_008.8;
/// How far the transform may land from a published value, in metres.
const TOLERANCE_M: f64 = 0.5;

fn haversine_m(a: LatLon, b: LatLon) -> f64 {
    let (phi1, phi2) = (a.lat().to_radians(), b.lat().to_radians());
    let d_phi = phi2 - phi1;
    let d_lambda = (b.lon() - a.lon()).to_radians();
    let h = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().atan2((1.0 - h).max(0.0).sqrt())
}

fn p((lat, lon): (f64, f64)) -> LatLon {
    LatLon::new(lat, lon).unwrap()
}

/// A published pair: a WGS-84 input and the GCJ-02 output its source
/// expects, both as (lat, lon). Sources written (lon, lat) are swapped here.
struct Vector {
    place: &'static str,
    wgs84: (f64, f64),
    gcj02: (f64, f64),
}

/// Forward vectors of the formula, from implementations' own tests:
///
/// - googollee/eviltransform, `go/transform_test.go` (the same three rows are
///   in `c/test.c`, `javascript/test.js`, `rust/src/lib.rs` and
///   `matlab/test/testSuite.m`);
/// - wandergis/coordtransform, `test/app.js` (and `README.md`), written
///   (lng, lat); dromara/hutool's `CoordinateUtilTest.java` reuses it;
/// - hujiulong/gcoord, `test/unit/crs/WGS84.spec.ts`, written (lon, lat) and
///   rounded to 8 decimals;
/// - madlogos/asesgeo, `tests/testthat/test_tranform_coord.R` ("wgs 2 gcj",
///   the local transform) and `tests/testthat/test_conv_coord.R`
///   ("convCoord without api");
/// - cuihw/collection,
///   `app/src/test/java/com/data/collection/util/PositionUtilTest.java`: the
///   printed result in the comment of `gps84_To_Gcj02` (whose labels are
///   swapped: "longitude" is the latitude).
const FORMULA_VECTORS: [Vector; 8] = [
    Vector {
        place: "Shanghai (eviltransform)",
        wgs84: (31.1774276, 121.5272106),
        gcj02: (31.17530398364597, 121.531541859215),
    },
    Vector {
        place: "Shenzhen (eviltransform)",
        wgs84: (22.543847, 113.912316),
        gcj02: (22.540796131694766, 113.9171764808363),
    },
    Vector {
        place: "Beijing (eviltransform)",
        wgs84: (39.911954, 116.377817),
        gcj02: (39.91334545536069, 116.38404722455657),
    },
    Vector {
        place: "Beijing (coordtransform)",
        wgs84: (39.915, 116.404),
        gcj02: (39.91640428150164, 116.41024449916938),
    },
    Vector {
        place: "45N 123E, Jilin (gcoord)",
        wgs84: (45.0, 123.0),
        gcj02: (45.00197815, 123.00607541),
    },
    Vector {
        place: "Tiananmen (asesgeo transform_coord)",
        wgs84: (39.90734, 116.39089),
        gcj02: (39.90874107, 116.39713094),
    },
    Vector {
        place: "Beijing, Dongcheng (asesgeo conv_coord)",
        wgs84: (39.90105589, 116.42079784),
        gcj02: (39.90245219, 116.42702991),
    },
    Vector {
        place: "Zhengzhou (cuihw/collection)",
        wgs84: (34.829793, 113.647881),
        gcj02: (34.8287280094783, 113.65396374215176),
    },
];

/// Inverse vectors (GCJ-02 input, WGS-84 output) published by the same
/// projects: madlogos/asesgeo `tests/testthat/test_tranform_coord.R`
/// ("gcj 2 wgs") and `tests/testthat/test_conv_coord.R` ("convCoord without
/// api"); hujiulong/gcoord `test/unit/crs/GCJ02.spec.ts` (8 decimals).
const INVERSE_VECTORS: [Vector; 3] = [
    Vector {
        place: "Tiananmen (asesgeo)",
        wgs84: (39.90734493, 116.39089006),
        gcj02: (39.908746, 116.397131),
    },
    Vector {
        place: "Beijing, Dongcheng (asesgeo)",
        wgs84: (39.9010558944, 116.4207978498),
        gcj02: (39.90245219, 116.42702991),
    },
    Vector {
        place: "45N 123E (gcoord)",
        wgs84: (44.99804071, 122.99395597),
        gcj02: (45.0, 123.0),
    },
];

#[test]
fn forward_matches_the_published_vectors() {
    for v in &FORMULA_VECTORS {
        assert!(in_china_box(p(v.wgs84)), "{}", v.place);
        let got = wgs84_to_gcj02(p(v.wgs84));
        let off = haversine_m(got, p(v.gcj02));
        assert!(
            off < TOLERANCE_M,
            "{}: {off} m from the published value",
            v.place
        );
        // The vectors are not trivial: each is a shift of hundreds of metres.
        let shift = haversine_m(p(v.wgs84), p(v.gcj02));
        assert!((100.0..1200.0).contains(&shift), "{}: {shift} m", v.place);
    }
}

#[test]
fn inverse_recovers_the_published_inputs() {
    for v in &FORMULA_VECTORS {
        let back = gcj02_to_wgs84(p(v.gcj02));
        let off = haversine_m(back, p(v.wgs84));
        assert!(
            off < TOLERANCE_M,
            "{}: {off} m from the WGS-84 input",
            v.place
        );
    }
}

#[test]
fn inverse_matches_the_published_inverse_vectors() {
    for v in &INVERSE_VECTORS {
        let got = gcj02_to_wgs84(p(v.gcj02));
        let off = haversine_m(got, p(v.wgs84));
        assert!(
            off < TOLERANCE_M,
            "{}: {off} m from the published value",
            v.place
        );
    }
}

/// Outputs of the map services themselves, whose algorithm is not
/// published. The formula is a reverse engineering of it, so these are
/// held to a looser tolerance: they show how far apart the two are.
///
/// - madlogos/asesgeo, `tests/testthat/test_conv_coord.R`: Amap's
///   (restapi.amap.com) and Baidu's (api.map.baidu.com/geoconv) answers for
///   the same WGS-84 point; `tests/testthat/test_tranform_coord.R`: the row
///   marked `# api`;
/// - hujiulong/gcoord, `test/fixtures/china-cities.json` (WGS84 and GCJ02
///   of 664 prefecture seats, written (lon, lat), 7 decimals; the fixture
///   does not say how they were produced, and all 664 lie 0.64 to 0.73 m
///   from the formula): eight seats from the corners of the country.
const SERVICE_VECTORS: [Vector; 11] = [
    Vector {
        place: "Beijing, Dongcheng, Amap API (asesgeo)",
        wgs84: (39.90105, 116.42079),
        gcj02: (39.902445203994, 116.427020941841),
    },
    Vector {
        place: "Beijing, Dongcheng, Baidu API (asesgeo)",
        wgs84: (39.90105, 116.42079),
        gcj02: (39.90245063, 116.42702745),
    },
    Vector {
        place: "Tiananmen, API (asesgeo)",
        wgs84: (39.90734, 116.39089),
        gcj02: (39.90874539, 116.39713623),
    },
    Vector {
        place: "Nagqu, Tibet (gcoord)",
        wgs84: (31.4784436, 92.0499619),
        gcj02: (31.4762063, 92.0512438),
    },
    Vector {
        place: "Kizilsu, Xinjiang (gcoord)",
        wgs84: (39.7141079, 76.1647682),
        gcj02: (39.7145315, 76.1678223),
    },
    Vector {
        place: "Altay, Xinjiang (gcoord)",
        wgs84: (47.8436168, 88.1378895),
        gcj02: (47.8449292, 88.1412573),
    },
    Vector {
        place: "Heihe, Heilongjiang (gcoord)",
        wgs84: (50.2434852, 127.5209846),
        gcj02: (50.2451332, 127.528304),
    },
    Vector {
        place: "Shenyang, Liaoning (gcoord)",
        wgs84: (41.8032629, 123.4253306),
        gcj02: (41.8057023, 123.4314787),
    },
    Vector {
        place: "Xilinhot, Inner Mongolia (gcoord)",
        wgs84: (43.9312805, 116.0414035),
        gcj02: (43.9334573, 116.0482308),
    },
    Vector {
        place: "Qinzhou, Guangxi (gcoord)",
        wgs84: (21.9828281, 108.6503952),
        gcj02: (21.9799392, 108.6541485),
    },
    Vector {
        place: "Sanya, Hainan (gcoord)",
        wgs84: (18.2545417, 109.507813),
        gcj02: (18.2528524, 109.5119135),
    },
];

/// The tolerance against the services' own answers, in metres.
const SERVICE_TOLERANCE_M: f64 = 1.0;

#[test]
fn forward_is_within_a_metre_of_the_map_services() {
    for v in &SERVICE_VECTORS {
        let off = haversine_m(wgs84_to_gcj02(p(v.wgs84)), p(v.gcj02));
        assert!(
            off < SERVICE_TOLERANCE_M,
            "{}: {off} m from the service's value",
            v.place
        );
        let back = haversine_m(gcj02_to_wgs84(p(v.gcj02)), p(v.wgs84));
        assert!(back < SERVICE_TOLERANCE_M, "{}: {back} m back", v.place);
    }
}

/// Positions outside the box come back unchanged, bit for bit, both ways.
/// Denver, Brisbane and Rio de Janeiro are the "edge cases" of
/// googollee/eviltransform `matlab/test/testSuite.m`; the rest are city
/// centres. Tokyo lies east of the box's edge (137.8347°E).
const OUTSIDE: [(&str, (f64, f64)); 9] = [
    ("Tokyo", (35.6762, 139.6503)),
    ("London", (51.5074, -0.1278)),
    ("Denver", (39.7392, -104.9903)),
    ("Brisbane", (-27.4698, 153.0251)),
    ("Rio de Janeiro", (-22.9068, -43.1729)),
    ("New York", (40.7128, -74.006)),
    ("Moscow", (55.7558, 37.6173)),
    ("Jakarta", (-6.2088, 106.8456)),
    ("Sapporo", (43.0618, 141.3545)),
];

#[test]
fn identity_outside_the_box() {
    for (place, at) in OUTSIDE {
        let q = p(at);
        assert!(!in_china_box(q), "{place}");
        let there = wgs84_to_gcj02(q);
        let back = gcj02_to_wgs84(q);
        assert_eq!(
            (there.lat().to_bits(), there.lon().to_bits()),
            (at.0.to_bits(), at.1.to_bits()),
            "{place}"
        );
        assert_eq!(
            (back.lat().to_bits(), back.lon().to_bits()),
            (at.0.to_bits(), at.1.to_bits()),
            "{place}"
        );
    }
}

/// `datum.rs` documents that the conventional box is not the border of
/// mainland China: Hong Kong, Macau and Taiwan lie inside it, and so do parts
/// of the Korean peninsula and much of South-East Asia, all of which are
/// shifted as if they were in mainland China. Seoul and Singapore are
/// therefore NOT the identity here, although their maps use WGS-84.
/// (madlogos/asesgeo, `tests/testthat/test_tranform_coord.R`, uses a finer
/// border and leaves its North Korean point unshifted; this box does not.)
const INSIDE_BOX_OUTSIDE_MAINLAND: [(&str, (f64, f64)); 6] = [
    ("Hong Kong", (22.3193, 114.1694)),
    ("Macau", (22.1987, 113.5439)),
    ("Taipei", (25.033, 121.5654)),
    ("Seoul", (37.5665, 126.978)),
    ("Singapore", (1.3521, 103.8198)),
    ("Sinuiju, North Korea (asesgeo)", (40.366518, 124.775643)),
];

#[test]
fn the_box_shifts_hong_kong_macau_taiwan_and_neighbours() {
    for (place, at) in INSIDE_BOX_OUTSIDE_MAINLAND {
        let q = p(at);
        assert!(in_china_box(q), "{place}");
        let shifted = wgs84_to_gcj02(q);
        let shift = haversine_m(q, shifted);
        assert!((100.0..1200.0).contains(&shift), "{place}: {shift} m");
        let back = haversine_m(gcj02_to_wgs84(shifted), q);
        assert!(back < TOLERANCE_M, "{place}: {back} m back");
    }
}

#[test]
fn the_box_edges_are_inclusive() {
    // Longitude 72.004..=137.8347, latitude 0.8293..=55.8271, as documented.
    for (lat, lon) in [
        (0.8293, 100.0),
        (55.8271, 100.0),
        (30.0, 72.004),
        (30.0, 137.8347),
    ] {
        assert!(in_china_box(p((lat, lon))), "({lat}, {lon})");
    }
    for (lat, lon) in [
        (0.8292, 100.0),
        (55.8272, 100.0),
        (30.0, 72.0039),
        (30.0, 137.8348),
    ] {
        assert!(!in_china_box(p((lat, lon))), "({lat}, {lon})");
    }
}
