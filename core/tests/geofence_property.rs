//! Fence evaluation checked against an independent great-circle computation.
//!
//! `evaluate_fences` measures distances with `geo`'s Haversine on the
//! mean-radius sphere (R = 6 371 008.8 m, `HaversineMeasure::GRS80_MEAN_RADIUS`
//! in geo 0.33). This test recomputes every distance itself, on the same
//! sphere, with formulas written here and no call into `geo`'s metric code:
//!
//! - distances between two points: the haversine formula (atan2 form);
//! - distances to a polygon edge: unit vectors in 3-D; the cross-track angle
//!   is that between the point and the plane of the edge's great circle, and
//!   the along-track test checks that the foot of the perpendicular lies
//!   between the edge's ends (otherwise the nearer end counts);
//! - polygon containment: even-odd ray casting in longitude/latitude, the
//!   convention `fence.rs` documents for containment;
//! - random positions: a spherical destination-point formula, and plain
//!   metres-to-degrees offsets.
//!
//! Cases come from a seeded xorshift generator, so every run checks the same
//! 100 000 circle cases and 100 000 polygon cases.
//!
//! Where the independent answer sits within 0.5 m of the accuracy threshold
//! (`| |d - r| - accuracy | < 0.5`), rounding may decide either way; those
//! cases are counted, not judged.

use std::f64::consts::PI;

use geo::{Coord, LineString, Polygon};
use laowu_core::attendance::{Datum, Fence, FenceState, Fix, LatLon, Side, evaluate_fences};

/// The mean Earth radius `geo` 0.33 uses for Haversine (GRS80 R1), in metres.
const R: f64 = 6_371_008.8;
/// Random cases per check.
const CASES: usize = 100_000;
/// The half-width of the band around the accuracy threshold, in metres.
const BAND_M: f64 = 0.5;
/// The largest disagreement allowed between the code's reported distance
/// to the boundary and the independent one, in metres.
const DISTANCE_TOLERANCE_M: f64 = 0.5;
/// How many disagreements to describe in a failure message.
const SHOWN: usize = 10;

// ---------------------------------------------------------------------------
// A small seeded generator (xorshift64*), so that no dependency is needed.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // SplitMix64 once, so that a small seed still fills every bit.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 1 } else { z })
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [lo, hi).
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in lo..=hi.
    fn int(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }

    fn coin(&mut self) -> bool {
        self.next_u64() >> 63 == 1
    }
}

// ---------------------------------------------------------------------------
// Independent spherical geometry. Positions are (lat, lon) in degrees.

/// Great-circle distance in metres (haversine, atan2 form).
fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (phi1, phi2) = (a.0.to_radians(), b.0.to_radians());
    let d_phi = phi2 - phi1;
    let d_lambda = (b.1 - a.1).to_radians();
    let h = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().atan2((1.0 - h).max(0.0).sqrt())
}

/// The point `metres` from `from` on the initial bearing `bearing_deg`
/// (clockwise from north), along a great circle.
fn destination(from: (f64, f64), bearing_deg: f64, metres: f64) -> (f64, f64) {
    let (phi1, lambda1) = (from.0.to_radians(), from.1.to_radians());
    let theta = bearing_deg.to_radians();
    let delta = metres / R;
    let sin_phi2 =
        (phi1.sin() * delta.cos() + phi1.cos() * delta.sin() * theta.cos()).clamp(-1.0, 1.0);
    let phi2 = sin_phi2.asin();
    let lambda2 = lambda1
        + (theta.sin() * delta.sin() * phi1.cos()).atan2(delta.cos() - phi1.sin() * sin_phi2);
    (phi2.to_degrees(), normalise_lon(lambda2.to_degrees()))
}

fn normalise_lon(lon: f64) -> f64 {
    let wrapped = (lon + 180.0).rem_euclid(360.0) - 180.0;
    if wrapped == -180.0 && lon > 0.0 {
        180.0
    } else {
        wrapped
    }
}

/// A local offset by `north` and `east` metres, converted to degrees with the
/// sphere's metres per degree (accurate to well under a percent over a few
/// kilometres, which is all a random position needs).
fn offset_local(from: (f64, f64), north: f64, east: f64) -> (f64, f64) {
    let metres_per_degree = R * PI / 180.0;
    let lat = from.0 + north / metres_per_degree;
    let lon = from.1 + east / (metres_per_degree * from.0.to_radians().cos());
    (lat, normalise_lon(lon))
}

type Vec3 = [f64; 3];

fn to_vec(p: (f64, f64)) -> Vec3 {
    let (phi, lambda) = (p.0.to_radians(), p.1.to_radians());
    [
        phi.cos() * lambda.cos(),
        phi.cos() * lambda.sin(),
        phi.sin(),
    ]
}

fn dot(a: Vec3, b: Vec3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: Vec3, b: Vec3) -> Vec3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn norm(a: Vec3) -> f64 {
    dot(a, a).sqrt()
}

fn scale(a: Vec3, k: f64) -> Vec3 {
    [a[0] * k, a[1] * k, a[2] * k]
}

/// Distance in metres from `p` to the great-circle arc from `a` to `b`
/// (shorter than half the globe).
fn arc_distance_m(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> f64 {
    let (va, vb, vp) = (to_vec(a), to_vec(b), to_vec(p));
    let n = cross(va, vb);
    let n_len = norm(n);
    if n_len < 1e-15 {
        return haversine_m(a, p);
    }
    let n = scale(n, 1.0 / n_len);
    // Cross-track: the signed height of p above the arc's plane.
    let height = dot(vp, n);
    // The foot of the perpendicular, on the great circle (unnormalised).
    let foot = [
        vp[0] - height * n[0],
        vp[1] - height * n[1],
        vp[2] - height * n[2],
    ];
    let foot_len = norm(foot);
    // Along-track: the foot lies on the arc when it is past `a` in the
    // direction of `b` and short of `b`.
    let after_a = dot(cross(va, foot), n) >= 0.0;
    let before_b = dot(cross(foot, vb), n) >= 0.0;
    if foot_len > 0.0 && after_a && before_b {
        R * height.abs().atan2(foot_len)
    } else {
        haversine_m(a, p).min(haversine_m(b, p))
    }
}

/// Even-odd ray casting in longitude/latitude. `ring` is open (the last
/// vertex is not repeated).
fn ray_cast_contains(ring: &[(f64, f64)], p: (f64, f64)) -> bool {
    let (y, x) = p;
    let mut inside = false;
    let mut j = ring.len() - 1;
    for i in 0..ring.len() {
        let (yi, xi) = ring[i];
        let (yj, xj) = ring[j];
        if (yi > y) != (yj > y) {
            let x_cross = xi + (y - yi) / (yj - yi) * (xj - xi);
            if x < x_cross {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

/// The smallest distance in metres from `p` to any edge of the open `ring`.
fn ring_distance_m(ring: &[(f64, f64)], p: (f64, f64)) -> f64 {
    (0..ring.len())
        .map(|i| arc_distance_m(ring[i], ring[(i + 1) % ring.len()], p))
        .fold(f64::INFINITY, f64::min)
}

// ---------------------------------------------------------------------------
// Random inputs.

/// A centre inside the mainland China region (the box `fence.rs`'s own tests
/// use) half of the time, anywhere between the given latitudes otherwise.
/// Longitudes keep a degree away from the 180th meridian, which fences may
/// not cross.
fn random_centre(rng: &mut Rng, max_abs_lat: f64) -> (f64, f64) {
    if rng.coin() {
        (rng.range(18.0, 53.0), rng.range(74.0, 134.0))
    } else {
        (
            rng.range(-max_abs_lat, max_abs_lat),
            rng.range(-179.0, 179.0),
        )
    }
}

fn random_datum(rng: &mut Rng) -> Datum {
    if rng.coin() {
        Datum::Wgs84
    } else {
        Datum::Gcj02
    }
}

fn expected_state(inside: bool, boundary_m: f64, accuracy_m: f64) -> FenceState {
    if boundary_m >= accuracy_m {
        if inside {
            FenceState::Inside
        } else {
            FenceState::Outside
        }
    } else {
        FenceState::Uncertain
    }
}

fn fix_at(p: (f64, f64), accuracy_m: f64, datum: Datum) -> Fix {
    Fix::new(p.0, p.1, accuracy_m, datum).expect("a generated fix is valid")
}

#[test]
fn circle_fences_agree_with_an_independent_haversine() {
    let mut rng = Rng::new(0x1a05_eedc_1c1e);
    let mut disagreements = Vec::new();
    let mut disagreement_count = 0usize;
    let mut band_cases = 0usize;
    let mut band_disagreements = 0usize;
    let mut distance_failures = Vec::new();
    let mut distance_failure_count = 0usize;
    let mut side_failures = 0usize;
    let mut max_distance_error = 0.0f64;
    let mut by_state = [0usize; 3];

    for case in 0..CASES {
        let centre = random_centre(&mut rng, 70.0);
        let radius = rng.range(100.0, 3000.0);
        let accuracy = rng.range(1.0, 500.0);
        let datum = random_datum(&mut rng);
        let here = if rng.coin() {
            // Anywhere within about 5 km.
            offset_local(
                centre,
                rng.range(-5000.0, 5000.0),
                rng.range(-5000.0, 5000.0),
            )
        } else {
            // Near the boundary, where the accuracy decides.
            let d = (radius + rng.range(-600.0, 600.0)).max(0.0);
            destination(centre, rng.range(0.0, 360.0), d)
        };

        let d = haversine_m(centre, here);
        let gap = (d - radius).abs();
        let expected = expected_state(d <= radius, gap, accuracy);

        let fence = Fence::circle(
            datum,
            LatLon::new(centre.0, centre.1).expect("a generated centre is valid"),
            radius,
        )
        .expect("a generated radius is valid");
        let verdict = evaluate_fences(std::slice::from_ref(&fence), &fix_at(here, accuracy, datum))
            .expect("one fence");

        by_state[match verdict.state {
            FenceState::Inside => 0,
            FenceState::Uncertain => 1,
            FenceState::Outside => 2,
        }] += 1;

        let distance_error = (verdict.nearest_boundary_m - gap).abs();
        max_distance_error = max_distance_error.max(distance_error);
        if distance_error >= DISTANCE_TOLERANCE_M {
            distance_failure_count += 1;
            if distance_failures.len() < SHOWN {
                distance_failures.push(format!(
                    "case {case}: code {:.3} m, independent {gap:.3} m",
                    verdict.nearest_boundary_m
                ));
            }
        }
        if gap > BAND_M && (verdict.side == Side::Inside) != (d <= radius) {
            side_failures += 1;
        }

        let in_band = (gap - accuracy).abs() < BAND_M;
        band_cases += usize::from(in_band);
        if verdict.state != expected {
            if in_band {
                band_disagreements += 1;
            } else {
                disagreement_count += 1;
                if disagreements.len() < SHOWN {
                    disagreements.push(format!(
                        "case {case}: code {:?}, expected {expected:?} \
                         (d {d:.3} m, r {radius:.3} m, accuracy {accuracy:.3} m)",
                        verdict.state
                    ));
                }
            }
        }
    }

    println!(
        "circles: {CASES} cases; code says Inside {}, Uncertain {}, Outside {}; \
         {band_cases} within {BAND_M} m of the threshold ({band_disagreements} of them \
         decided the other way); largest distance error {max_distance_error:.2e} m",
        by_state[0], by_state[1], by_state[2]
    );
    assert_eq!(
        disagreement_count,
        0,
        "states disagree outside the band:\n{}",
        disagreements.join("\n")
    );
    assert_eq!(
        distance_failure_count,
        0,
        "reported distance off by {DISTANCE_TOLERANCE_M} m or more:\n{}",
        distance_failures.join("\n")
    );
    assert_eq!(side_failures, 0, "side of the boundary disagrees");
    assert!(
        band_cases * 100 < CASES,
        "{band_cases} of {CASES} cases in the band: not a tiny fraction"
    );
    // Every state is exercised, and not marginally.
    assert!(by_state.iter().all(|&n| n > CASES / 20), "{by_state:?}");
}

#[test]
fn polygon_fences_agree_with_independent_ray_casting_and_cross_track() {
    let mut rng = Rng::new(0x9017_90e5);
    let mut failures = Vec::new();
    let mut failure_count = 0usize;
    let mut decisive = 0usize;
    let mut uncertain_checked = 0usize;
    let mut band_cases = 0usize;
    let mut distance_failure_count = 0usize;
    let mut max_distance_error = 0.0f64;
    let mut inside_count = 0usize;
    let mut outside_count = 0usize;

    for case in 0..CASES {
        // Lon/lat edges and great-circle arcs part by at most
        // L² tan(lat) / 8R: under 0.3 m for these edges up to 60°.
        let centre = random_centre(&mut rng, 60.0);
        let vertices = rng.int(4, 12);
        let circumradius = rng.range(200.0, 2000.0);
        let rotation = rng.range(0.0, 360.0);
        let accuracy = rng.range(1.0, 500.0);
        let datum = random_datum(&mut rng);

        let ring: Vec<(f64, f64)> = (0..vertices)
            .map(|k| {
                let bearing = rotation + 360.0 * k as f64 / vertices as f64;
                destination(centre, bearing, circumradius)
            })
            .collect();

        let here = if rng.range(0.0, 1.0) < 0.4 {
            // Anywhere around the polygon.
            let reach = 1.6 * circumradius;
            offset_local(centre, rng.range(-reach, reach), rng.range(-reach, reach))
        } else {
            // Near an edge: a point on a random edge, moved a little.
            let k = rng.int(0, vertices - 1);
            let (a, b) = (ring[k], ring[(k + 1) % vertices]);
            let t = rng.unit();
            let on_edge = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
            offset_local(on_edge, rng.range(-600.0, 600.0), rng.range(-600.0, 600.0))
        };

        let inside = ray_cast_contains(&ring, here);
        let boundary = ring_distance_m(&ring, here);

        let exterior: Vec<Coord<f64>> = ring
            .iter()
            .map(|&(lat, lon)| Coord { x: lon, y: lat })
            .collect();
        let fence = Fence::polygon(datum, Polygon::new(LineString(exterior), vec![]))
            .expect("a regular polygon is a valid fence");
        let verdict = evaluate_fences(std::slice::from_ref(&fence), &fix_at(here, accuracy, datum))
            .expect("one fence");

        let distance_error = (verdict.nearest_boundary_m - boundary).abs();
        max_distance_error = max_distance_error.max(distance_error);
        if distance_error >= DISTANCE_TOLERANCE_M {
            distance_failure_count += 1;
        }

        let expected = expected_state(inside, boundary, accuracy);
        let judged = if boundary > accuracy + BAND_M {
            decisive += 1;
            if inside {
                inside_count += 1;
            } else {
                outside_count += 1;
            }
            true
        } else if boundary < accuracy - BAND_M {
            uncertain_checked += 1;
            true
        } else {
            band_cases += 1;
            false
        };
        let side_wrong = boundary > BAND_M && (verdict.side == Side::Inside) != inside;
        if (judged && verdict.state != expected) || side_wrong {
            failure_count += 1;
            if failures.len() < SHOWN {
                failures.push(format!(
                    "case {case}: code {:?} ({:?} side, {:.3} m), expected {expected:?} \
                     ({} by ray casting, {boundary:.3} m), accuracy {accuracy:.3} m",
                    verdict.state,
                    verdict.side,
                    verdict.nearest_boundary_m,
                    if inside { "inside" } else { "outside" },
                ));
            }
        }
    }

    println!(
        "polygons: {CASES} cases; {decisive} decisive ({inside_count} inside, \
         {outside_count} outside), {uncertain_checked} uncertain, {band_cases} within \
         {BAND_M} m of the threshold; largest distance error {max_distance_error:.2e} m"
    );
    assert_eq!(
        failure_count,
        0,
        "polygon verdicts disagree:\n{}",
        failures.join("\n")
    );
    assert_eq!(
        distance_failure_count, 0,
        "reported distance off by {DISTANCE_TOLERANCE_M} m or more (largest {max_distance_error} m)"
    );
    assert!(band_cases * 100 < CASES, "{band_cases} cases in the band");
    assert!(
        inside_count > CASES / 20 && outside_count > CASES / 20 && uncertain_checked > CASES / 20,
        "inside {inside_count}, outside {outside_count}, uncertain {uncertain_checked}"
    );
}

#[test]
fn the_independent_geometry_is_sound() {
    // A quarter of a meridian, and a degree of the equator.
    assert!((haversine_m((0.0, 0.0), (90.0, 0.0)) - R * PI / 2.0).abs() < 1e-6);
    assert!((haversine_m((0.0, 10.0), (0.0, 11.0)) - R * PI / 180.0).abs() < 1e-6);
    // Destination and haversine agree with each other.
    let from = (31.2304, 121.4737);
    for bearing in [0.0, 37.0, 90.0, 181.0, 300.0] {
        let to = destination(from, bearing, 2500.0);
        assert!((haversine_m(from, to) - 2500.0).abs() < 1e-6);
    }
    // Along the equator the arc distance is the latitude difference, and
    // past the ends it is the distance to the nearer end.
    let (a, b) = ((0.0, 10.0), (0.0, 10.01));
    let beside = arc_distance_m(a, b, (0.001, 10.005));
    assert!(
        (beside - R * 0.001f64.to_radians()).abs() < 1e-6,
        "{beside}"
    );
    let past = arc_distance_m(a, b, (0.0, 10.02));
    assert!((past - haversine_m(b, (0.0, 10.02))).abs() < 1e-9);
    // Ray casting on a unit square.
    let square = [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0)];
    assert!(ray_cast_contains(&square, (0.5, 0.5)));
    assert!(!ray_cast_contains(&square, (1.5, 0.5)));
    assert!(!ray_cast_contains(&square, (0.5, -0.1)));
}
