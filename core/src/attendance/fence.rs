//! Geofences and the evaluation of a fix against them.
//!
//! A fix is a position with an accuracy circle: the true position is
//! somewhere in that circle. A fence answers:
//!
//! - [`FenceState::Inside`] when the whole accuracy circle is inside the
//!   fence (the distance to the boundary is at least the accuracy);
//! - [`FenceState::Outside`] when the whole accuracy circle is outside;
//! - [`FenceState::Uncertain`] when the circle straddles the boundary.
//!
//! Distances are great-circle distances on the mean-radius sphere (`geo`'s
//! Haversine), in metres. Polygon edges are tested for containment as
//! straight lines in longitude/latitude and measured as great-circle arcs;
//! for edges of a few kilometres the two differ by well under a metre. Fences
//! crossing the 180th meridian or containing a pole are not supported.

use std::collections::HashSet;

use geo::algorithm::validation::{InvalidPolygon, RingRole};
use geo::{
    ChamberlainDuquetteArea, Closest, Contains, Distance, Haversine, HaversineClosestPoint,
    LineString, Point, Polygon, Validation,
};

use super::AttendanceError;
use super::coords::{Fix, LatLon};
use super::datum::Datum;

/// The smallest circle radius accepted, in metres. A phone fix is commonly
/// off by tens of metres, more in the urban canyons and steel frames of a
/// construction site; a smaller fence would mostly answer Uncertain.
pub const MIN_RADIUS_M: f64 = 100.0;
/// The largest circle radius accepted, in metres. Beyond it a fence no
/// longer shows that the worker is at the site.
pub const MAX_RADIUS_M: f64 = 3000.0;
/// The most vertices (over all rings, closing vertices included) a polygon
/// fence may have, so that evaluating a fix stays cheap.
pub const MAX_POLYGON_VERTICES: usize = 1000;

/// One fence of a site, in the datum the site was drawn in.
///
/// Build fences with [`Fence::circle`] and [`Fence::polygon`], which check
/// them; the variants cannot be built directly outside this crate, and code
/// inside it must not either.
#[derive(Debug, Clone, PartialEq)]
pub enum Fence {
    /// A circle around `center`, `radius_m` metres
    /// ([`MIN_RADIUS_M`]..=[`MAX_RADIUS_M`]).
    #[non_exhaustive]
    Circle {
        datum: Datum,
        center: LatLon,
        radius_m: f64,
    },
    /// A polygon with optional holes; x is longitude and y latitude, in
    /// degrees. A position in a hole is outside the fence.
    #[non_exhaustive]
    Polygon { datum: Datum, polygon: Polygon<f64> },
}

/// Where a fix stands with respect to a fence, given its accuracy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FenceState {
    /// The whole accuracy circle is inside.
    Inside,
    /// The accuracy circle straddles the boundary.
    Uncertain,
    /// The whole accuracy circle is outside.
    Outside,
}

/// Which side of a fence's boundary the reported position itself is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Inside the fence (on the boundary counts as inside).
    Inside,
    /// Outside the fence, including inside a polygon's hole.
    Outside,
}

/// A fix against one fence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FenceEvaluation {
    pub state: FenceState,
    /// The side of the boundary the reported position is on.
    pub side: Side,
    /// The distance from the reported position to the nearest point of the
    /// fence's boundary (a hole's boundary included), in metres, ≥ 0.
    pub boundary_distance_m: f64,
}

impl FenceEvaluation {
    /// The distance to the boundary, positive inside and negative outside.
    pub fn signed_distance_m(&self) -> f64 {
        match self.side {
            Side::Inside => self.boundary_distance_m,
            Side::Outside => -self.boundary_distance_m,
        }
    }
}

/// A fix against all the fences of a site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FenceVerdict {
    /// Inside if the fix is inside any fence; otherwise Uncertain if it is
    /// uncertain for any; otherwise Outside.
    pub state: FenceState,
    /// The side of the deciding fence's boundary the reported position is on.
    pub side: Side,
    /// The distance from the reported position to the deciding fence's
    /// boundary, in metres, ≥ 0.
    pub nearest_boundary_m: f64,
    /// The index of the deciding fence: among the fences in the winning
    /// state, the one the position is deepest inside (or, outside them all,
    /// the nearest).
    pub fence_index: usize,
}

impl Fence {
    /// A circle fence. The radius must be within
    /// [`MIN_RADIUS_M`]..=[`MAX_RADIUS_M`]; the error names `radius_m`.
    pub fn circle(datum: Datum, center: LatLon, radius_m: f64) -> Result<Self, AttendanceError> {
        if !radius_m.is_finite() {
            return Err(AttendanceError::invalid(
                "radius_m",
                "must be a finite number",
            ));
        }
        if radius_m < MIN_RADIUS_M {
            return Err(AttendanceError::invalid(
                "radius_m",
                "phone fixes cannot support a fence smaller than 100 m",
            ));
        }
        if radius_m > MAX_RADIUS_M {
            return Err(AttendanceError::invalid(
                "radius_m",
                "a fence larger than 3000 m does not show presence at the site",
            ));
        }
        Ok(Fence::Circle {
            datum,
            center,
            radius_m,
        })
    }

    /// A polygon fence, x = longitude and y = latitude in degrees. Refused
    /// (field `polygon`) unless: every vertex is finite and in range; the
    /// outer ring and every hole have at least 3 distinct vertices; no ring
    /// crosses itself; every hole lies inside the outer ring without touching
    /// another ring along a line or overlapping it; the polygon encloses some
    /// area (at least 1 m²); and there are at most [`MAX_POLYGON_VERTICES`]
    /// vertices.
    ///
    /// Unlike a circle, a polygon has no minimum size: a narrow polygon will
    /// mostly answer Uncertain, which is the honest answer for it.
    pub fn polygon(datum: Datum, polygon: Polygon<f64>) -> Result<Self, AttendanceError> {
        let invalid = |reason: &str| Err(AttendanceError::invalid("polygon", reason));
        let rings = || std::iter::once(polygon.exterior()).chain(polygon.interiors());

        let vertices: usize = rings().map(|ring| ring.0.len()).sum();
        if vertices > MAX_POLYGON_VERTICES {
            return invalid("has more than 1000 vertices");
        }
        for c in rings().flat_map(|ring| ring.coords()) {
            if !c.x.is_finite() || !c.y.is_finite() {
                return invalid("every vertex must be a finite number");
            }
            if c.y.abs() > 90.0 || c.x.abs() > 180.0 {
                return invalid(
                    "every vertex must have a latitude between -90 and 90 degrees \
                     and a longitude between -180 and 180 degrees",
                );
            }
        }
        if distinct_vertices(polygon.exterior()) < 3 {
            return invalid("the outer ring needs at least 3 distinct vertices");
        }
        if polygon.interiors().iter().any(|h| distinct_vertices(h) < 3) {
            return invalid("every hole needs at least 3 distinct vertices");
        }
        if let Err(problem) = polygon.check_validation() {
            return invalid(match problem {
                InvalidPolygon::TooFewPointsInRing(RingRole::Exterior) => {
                    "the outer ring needs at least 3 distinct vertices"
                }
                InvalidPolygon::TooFewPointsInRing(RingRole::Interior(_)) => {
                    "every hole needs at least 3 distinct vertices"
                }
                InvalidPolygon::SelfIntersection(RingRole::Exterior) => {
                    "the outer ring crosses itself"
                }
                InvalidPolygon::SelfIntersection(RingRole::Interior(_)) => "a hole crosses itself",
                InvalidPolygon::NonFiniteCoord(..) => "every vertex must be a finite number",
                InvalidPolygon::InteriorRingNotContainedInExteriorRing(_) => {
                    "every hole must lie inside the outer ring"
                }
                InvalidPolygon::IntersectingRingsOnALine(..)
                | InvalidPolygon::IntersectingRingsOnAnArea(..) => {
                    "rings must not overlap or share an edge"
                }
            });
        }
        // geo accepts a ring whose vertices are all on one line.
        if polygon.chamberlain_duquette_unsigned_area() < 1.0 {
            return invalid("encloses no area");
        }
        Ok(Fence::Polygon { datum, polygon })
    }

    /// The datum the fence is drawn in.
    pub fn datum(&self) -> Datum {
        match self {
            Fence::Circle { datum, .. } | Fence::Polygon { datum, .. } => *datum,
        }
    }

    /// Evaluates a fix against this fence, after converting the fix into the
    /// fence's datum.
    pub fn evaluate(&self, fix: &Fix) -> FenceEvaluation {
        let here = fix.position_in(self.datum()).to_point();
        let (side, boundary_distance_m) = match self {
            Fence::Circle {
                center, radius_m, ..
            } => {
                let d = Haversine.distance(center.to_point(), here);
                let side = if d <= *radius_m {
                    Side::Inside
                } else {
                    Side::Outside
                };
                (side, (radius_m - d).abs())
            }
            Fence::Polygon { polygon, .. } => {
                let d = boundary_distance(polygon, here);
                // `contains` is false on the boundary itself, where d is 0.
                let side = if d == 0.0 || polygon.contains(&here) {
                    Side::Inside
                } else {
                    Side::Outside
                };
                (side, d)
            }
        };
        let state = if boundary_distance_m < fix.accuracy_m() {
            FenceState::Uncertain
        } else {
            match side {
                Side::Inside => FenceState::Inside,
                Side::Outside => FenceState::Outside,
            }
        };
        FenceEvaluation {
            state,
            side,
            boundary_distance_m,
        }
    }
}

/// Evaluates a fix against all the fences of a site: Inside if it is inside
/// any fence, otherwise Uncertain if it is uncertain for any, otherwise
/// Outside. Refused (field `fences`) when there is no fence.
///
/// A fix whose accuracy circle is covered by two overlapping fences together
/// but by neither alone is reported Uncertain: a conservative answer.
pub fn evaluate_fences(fences: &[Fence], fix: &Fix) -> Result<FenceVerdict, AttendanceError> {
    let rank = |state: FenceState| match state {
        FenceState::Inside => 2,
        FenceState::Uncertain => 1,
        FenceState::Outside => 0,
    };
    let (fence_index, best) = fences
        .iter()
        .map(|fence| fence.evaluate(fix))
        .enumerate()
        .reduce(|(i, a), (j, b)| {
            let a_key = (rank(a.state), a.signed_distance_m());
            let b_key = (rank(b.state), b.signed_distance_m());
            if b_key > a_key { (j, b) } else { (i, a) }
        })
        .ok_or_else(|| AttendanceError::invalid("fences", "a site needs at least one fence"))?;
    Ok(FenceVerdict {
        state: best.state,
        side: best.side,
        nearest_boundary_m: best.boundary_distance_m,
        fence_index,
    })
}

fn distinct_vertices(ring: &LineString<f64>) -> usize {
    ring.coords()
        .map(|c| (c.x.to_bits(), c.y.to_bits()))
        .collect::<HashSet<_>>()
        .len()
}

/// The great-circle distance in metres from `here` to the nearest edge of
/// any ring of `polygon`.
fn boundary_distance(polygon: &Polygon<f64>, here: Point<f64>) -> f64 {
    let edges = || {
        std::iter::once(polygon.exterior())
            .chain(polygon.interiors())
            .flat_map(|ring| ring.lines())
    };
    // The exact great-circle distance is costly per edge; a flat projection
    // around `here` finds the few edges that can be nearest, and only those
    // are measured exactly. The margin covers the projection's distortion
    // (about 2% at 100 km in northern China), so the minimum is unchanged.
    let project = Flat::around(here);
    let planar: Vec<f64> = edges().map(|e| project.segment_distance(e)).collect();
    let nearest = planar.iter().copied().fold(f64::INFINITY, f64::min);
    let bound = nearest * 1.05 + 10.0;
    edges()
        .zip(planar)
        .filter(|(_, d)| *d <= bound)
        .map(|(edge, _)| match edge.haversine_closest_point(&here) {
            Closest::SinglePoint(p) => Haversine.distance(p, here),
            // On the edge; `Indeterminate` is not returned for a segment, and
            // counting it as 0 would only make the answer Uncertain.
            Closest::Intersection(_) | Closest::Indeterminate => 0.0,
        })
        .fold(f64::INFINITY, f64::min)
}

/// An equirectangular projection in metres centred on one point.
struct Flat {
    lon0: f64,
    lat0: f64,
    x_scale: f64,
    y_scale: f64,
}

impl Flat {
    fn around(p: Point<f64>) -> Self {
        const METRES_PER_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;
        Flat {
            lon0: p.x(),
            lat0: p.y(),
            x_scale: METRES_PER_DEGREE * p.y().to_radians().cos(),
            y_scale: METRES_PER_DEGREE,
        }
    }

    /// Distance in metres from the centre to the segment.
    fn segment_distance(&self, edge: geo::Line<f64>) -> f64 {
        let (ax, ay) = (
            (edge.start.x - self.lon0) * self.x_scale,
            (edge.start.y - self.lat0) * self.y_scale,
        );
        let (bx, by) = (
            (edge.end.x - self.lon0) * self.x_scale,
            (edge.end.y - self.lat0) * self.y_scale,
        );
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        (ax + t * dx).hypot(ay + t * dy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attendance::datum::wgs84_to_gcj02;
    use geo::{Coord, Destination, polygon};
    use proptest::prelude::*;

    fn p(lat: f64, lon: f64) -> LatLon {
        LatLon::new(lat, lon).unwrap()
    }

    /// The position `metres` from `from` on `bearing` degrees.
    fn offset(from: LatLon, bearing: f64, metres: f64) -> LatLon {
        let q = Haversine.destination(from.to_point(), bearing, metres);
        p(q.y(), q.x())
    }

    fn fix(at: LatLon, accuracy_m: f64, datum: Datum) -> Fix {
        Fix::at(at, accuracy_m, datum).unwrap()
    }

    const SITE: (f64, f64) = (31.2304, 121.4737); // People's Square, Shanghai

    fn site() -> LatLon {
        p(SITE.0, SITE.1)
    }

    fn circle(radius_m: f64) -> Fence {
        Fence::circle(Datum::Wgs84, site(), radius_m).unwrap()
    }

    /// A square of about 1 km with a square hole of about 200 m in the
    /// middle, centred on the site.
    fn square_with_hole() -> Fence {
        let (lat, lon) = SITE;
        let (h, w) = (0.0045, 0.0053); // ~500 m in each direction
        let (hh, hw) = (0.0009, 0.00105); // ~100 m
        let poly = polygon!(
            exterior: [
                (x: lon - w, y: lat - h),
                (x: lon + w, y: lat - h),
                (x: lon + w, y: lat + h),
                (x: lon - w, y: lat + h),
            ],
            interiors: [[
                (x: lon - hw, y: lat - hh),
                (x: lon - hw, y: lat + hh),
                (x: lon + hw, y: lat + hh),
                (x: lon + hw, y: lat - hh),
            ]],
        );
        Fence::polygon(Datum::Wgs84, poly).unwrap()
    }

    fn reason(err: AttendanceError) -> String {
        match err {
            AttendanceError::InvalidInput { reason, .. } => reason,
        }
    }

    #[test]
    fn circle_radius_limits() {
        assert!(Fence::circle(Datum::Wgs84, site(), 100.0).is_ok());
        assert!(Fence::circle(Datum::Gcj02, site(), 3000.0).is_ok());
        let small = Fence::circle(Datum::Wgs84, site(), 99.9).unwrap_err();
        assert_eq!(small.field(), "radius_m");
        assert_eq!(
            reason(small),
            "phone fixes cannot support a fence smaller than 100 m"
        );
        let large = Fence::circle(Datum::Wgs84, site(), 3000.1).unwrap_err();
        assert_eq!(large.field(), "radius_m");
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -200.0] {
            let err = Fence::circle(Datum::Wgs84, site(), bad).unwrap_err();
            assert_eq!(err.field(), "radius_m");
        }
    }

    #[test]
    fn centre_with_small_accuracy_is_inside() {
        let v = circle(200.0).evaluate(&fix(site(), 10.0, Datum::Wgs84));
        assert_eq!(v.state, FenceState::Inside);
        assert_eq!(v.side, Side::Inside);
        assert!((v.boundary_distance_m - 200.0).abs() < 1e-6);
    }

    #[test]
    fn five_km_away_is_outside() {
        let far = offset(site(), 45.0, 5000.0);
        let v = circle(200.0).evaluate(&fix(far, 50.0, Datum::Wgs84));
        assert_eq!(v.state, FenceState::Outside);
        assert_eq!(v.side, Side::Outside);
        assert!((v.boundary_distance_m - 4800.0).abs() < 0.01);
        assert!((v.signed_distance_m() + 4800.0).abs() < 0.01);
    }

    #[test]
    fn accuracy_larger_than_the_distance_to_the_boundary_is_uncertain() {
        let fence = circle(200.0);
        // 150 m from the centre: 50 m inside the boundary.
        let inner = offset(site(), 90.0, 150.0);
        assert_eq!(
            fence.evaluate(&fix(inner, 49.0, Datum::Wgs84)).state,
            FenceState::Inside
        );
        let v = fence.evaluate(&fix(inner, 60.0, Datum::Wgs84));
        assert_eq!(v.state, FenceState::Uncertain);
        assert_eq!(v.side, Side::Inside);
        // 260 m from the centre: 60 m outside.
        let outer = offset(site(), 200.0, 260.0);
        assert_eq!(
            fence.evaluate(&fix(outer, 59.0, Datum::Wgs84)).state,
            FenceState::Outside
        );
        let v = fence.evaluate(&fix(outer, 61.0, Datum::Wgs84));
        assert_eq!(v.state, FenceState::Uncertain);
        assert_eq!(v.side, Side::Outside);
    }

    #[test]
    fn polygon_inside_hole_and_outside() {
        let fence = square_with_hole();
        // The centre is in the hole: outside, ~100 m from the hole's edge.
        let v = fence.evaluate(&fix(site(), 10.0, Datum::Wgs84));
        assert_eq!(v.state, FenceState::Outside);
        assert_eq!(v.side, Side::Outside);
        assert!((90.0..110.0).contains(&v.boundary_distance_m), "{v:?}");
        // A large accuracy reaches out of the hole: uncertain.
        let v = fence.evaluate(&fix(site(), 150.0, Datum::Wgs84));
        assert_eq!(v.state, FenceState::Uncertain);
        // Between the hole and the outer ring (~300 m north): inside, about
        // 200 m from either ring.
        let ring = offset(site(), 0.0, 300.0);
        let v = fence.evaluate(&fix(ring, 20.0, Datum::Wgs84));
        assert_eq!(v.state, FenceState::Inside);
        assert!((180.0..220.0).contains(&v.boundary_distance_m), "{v:?}");
        // 5 km away: outside.
        let far = offset(site(), 135.0, 5000.0);
        let v = fence.evaluate(&fix(far, 20.0, Datum::Wgs84));
        assert_eq!(v.state, FenceState::Outside);
        assert!(v.boundary_distance_m > 4000.0);
    }

    #[test]
    fn polygon_boundary_is_uncertain() {
        let fence = square_with_hole();
        let (lat, lon) = SITE;
        // A vertex of the outer ring.
        let corner = p(lat - 0.0045, lon - 0.0053);
        let v = fence.evaluate(&fix(corner, 1.0, Datum::Wgs84));
        assert_eq!(v.state, FenceState::Uncertain);
        assert!(v.boundary_distance_m < 0.01);
    }

    #[test]
    fn polygon_validation() {
        let field_and_reason = |poly: Polygon<f64>| {
            let err = Fence::polygon(Datum::Wgs84, poly).unwrap_err();
            (err.field().to_string(), reason(err))
        };
        let two = polygon![(x: 121.0, y: 31.0), (x: 121.01, y: 31.0), (x: 121.0, y: 31.0)];
        assert_eq!(
            field_and_reason(two),
            (
                "polygon".to_string(),
                "the outer ring needs at least 3 distinct vertices".into()
            )
        );
        let bow_tie = polygon![
            (x: 121.0, y: 31.0),
            (x: 121.01, y: 31.01),
            (x: 121.01, y: 31.0),
            (x: 121.0, y: 31.01),
        ];
        assert_eq!(field_and_reason(bow_tie).1, "the outer ring crosses itself");
        let out_of_range =
            polygon![(x: 181.0, y: 31.0), (x: 121.01, y: 31.0), (x: 121.0, y: 31.01)];
        assert_eq!(field_and_reason(out_of_range).0, "polygon");
        let lat_out = polygon![(x: 121.0, y: 91.0), (x: 121.01, y: 31.0), (x: 121.0, y: 31.01)];
        assert_eq!(field_and_reason(lat_out).0, "polygon");
        let nan = polygon![(x: f64::NAN, y: 31.0), (x: 121.01, y: 31.0), (x: 121.0, y: 31.01)];
        assert_eq!(
            field_and_reason(nan).1,
            "every vertex must be a finite number"
        );
        let hole_outside = polygon!(
            exterior: [
                (x: 121.0, y: 31.0),
                (x: 121.01, y: 31.0),
                (x: 121.01, y: 31.01),
                (x: 121.0, y: 31.01),
            ],
            interiors: [[(x: 121.02, y: 31.02), (x: 121.03, y: 31.02), (x: 121.03, y: 31.03)]],
        );
        assert_eq!(
            field_and_reason(hole_outside).1,
            "every hole must lie inside the outer ring"
        );
        let collinear = polygon![(x: 121.0, y: 31.0), (x: 121.01, y: 31.0), (x: 121.02, y: 31.0)];
        assert_eq!(field_and_reason(collinear).1, "encloses no area");

        let many: Vec<Coord<f64>> = (0..1001)
            .map(|i| {
                let t = f64::from(i) / 1001.0 * std::f64::consts::TAU;
                Coord {
                    x: 121.0 + 0.01 * t.cos(),
                    y: 31.0 + 0.01 * t.sin(),
                }
            })
            .collect();
        let err = Fence::polygon(Datum::Wgs84, Polygon::new(LineString(many), vec![])).unwrap_err();
        assert_eq!(err.field(), "polygon");

        // Errors never carry a coordinate.
        let err = Fence::polygon(
            Datum::Wgs84,
            polygon![(x: 123.456, y: 31.0), (x: 123.456, y: 31.0), (x: 121.0, y: 31.0)],
        )
        .unwrap_err();
        assert!(!format!("{err} {err:?}").contains("123"));
    }

    #[test]
    fn datum_mismatch_is_resolved_by_converting_the_fix() {
        // The worker stands at the site; the phone's GPS reports WGS-84.
        let wgs = site();
        // The site was drawn on a Chinese map: its centre is in GCJ-02.
        let fence = Fence::circle(Datum::Gcj02, wgs84_to_gcj02(wgs), 100.0).unwrap();

        let right = fence.evaluate(&fix(wgs, 10.0, Datum::Wgs84));
        assert_eq!(right.state, FenceState::Inside);
        assert!((right.boundary_distance_m - 100.0).abs() < 0.5);

        // Ignoring the datum (claiming the WGS-84 numbers are GCJ-02) puts
        // the worker hundreds of metres off, outside the fence.
        let wrong = fence.evaluate(&fix(wgs, 10.0, Datum::Gcj02));
        assert_eq!(wrong.state, FenceState::Outside);
        let off_by = wrong.boundary_distance_m + 100.0;
        assert!((200.0..=900.0).contains(&off_by), "{off_by} m");

        // And the other way round: a WGS-84 site, a GCJ-02 fix from a map SDK.
        let fence = Fence::circle(Datum::Wgs84, wgs, 100.0).unwrap();
        let v = fence.evaluate(&fix(wgs84_to_gcj02(wgs), 10.0, Datum::Gcj02));
        assert_eq!(v.state, FenceState::Inside);
        assert!((v.boundary_distance_m - 100.0).abs() < 0.5);
    }

    #[test]
    fn several_fences() {
        let far_site = offset(site(), 90.0, 10_000.0);
        let fences = [
            circle(300.0),
            Fence::circle(Datum::Wgs84, far_site, 500.0).unwrap(),
            square_with_hole(),
        ];
        // At the far site only.
        let v = evaluate_fences(&fences, &fix(far_site, 20.0, Datum::Wgs84)).unwrap();
        assert_eq!((v.state, v.fence_index), (FenceState::Inside, 1));
        assert!((v.nearest_boundary_m - 500.0).abs() < 1e-6);
        // At the centre: in the circle, in the polygon's hole. Inside wins.
        let v = evaluate_fences(&fences, &fix(site(), 20.0, Datum::Wgs84)).unwrap();
        assert_eq!((v.state, v.fence_index), (FenceState::Inside, 0));
        // 400 m north: outside the circle (uncertain with 150 m accuracy),
        // inside the polygon ring (~100 m from its northern edge): the
        // polygon's Inside wins when the accuracy allows it...
        let north = offset(site(), 0.0, 400.0);
        let v = evaluate_fences(&fences, &fix(north, 50.0, Datum::Wgs84)).unwrap();
        assert_eq!((v.state, v.fence_index), (FenceState::Inside, 2));
        // ...and with a poorer fix both are uncertain; the deciding fence is
        // the one the position is deepest inside.
        let v = evaluate_fences(&fences, &fix(north, 150.0, Datum::Wgs84)).unwrap();
        assert_eq!(
            (v.state, v.fence_index, v.side),
            (FenceState::Uncertain, 2, Side::Inside)
        );
        // Nowhere near any: outside, the nearest fence decides.
        let west = offset(site(), 270.0, 5000.0);
        let v = evaluate_fences(&fences, &fix(west, 20.0, Datum::Wgs84)).unwrap();
        assert_eq!(v.state, FenceState::Outside);
        assert_eq!(v.fence_index, 2); // the polygon reaches ~500 m west
        assert!((4400.0..4600.0).contains(&v.nearest_boundary_m), "{v:?}");

        let err = evaluate_fences(&[], &fix(site(), 20.0, Datum::Wgs84)).unwrap_err();
        assert_eq!(err.field(), "fences");
    }

    fn in_china() -> impl Strategy<Value = LatLon> {
        (18.0f64..53.0, 74.0f64..134.0).prop_map(|(lat, lon)| p(lat, lon))
    }

    fn datum() -> impl Strategy<Value = Datum> {
        prop_oneof![Just(Datum::Wgs84), Just(Datum::Gcj02)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn any_centre_with_small_accuracy_is_inside(
            center in in_china(),
            datum in datum(),
            radius in MIN_RADIUS_M..=MAX_RADIUS_M,
            accuracy_frac in 0.001f64..0.99,
        ) {
            let fence = Fence::circle(datum, center, radius).unwrap();
            let v = fence.evaluate(&fix(center, radius * accuracy_frac, datum));
            prop_assert_eq!(v.state, FenceState::Inside);
        }

        #[test]
        fn any_point_five_km_away_is_outside(
            center in in_china(),
            datum in datum(),
            radius in MIN_RADIUS_M..=MAX_RADIUS_M,
            bearing in 0.0f64..360.0,
            accuracy in 1.0f64..1900.0,
        ) {
            let fence = Fence::circle(datum, center, radius).unwrap();
            let far = offset(center, bearing, 5000.0);
            let v = fence.evaluate(&fix(far, accuracy, datum));
            prop_assert_eq!(v.state, FenceState::Outside);
            prop_assert!((v.boundary_distance_m - (5000.0 - radius)).abs() < 0.01);
        }

        #[test]
        fn the_state_follows_the_accuracy_against_the_boundary(
            center in in_china(),
            radius in MIN_RADIUS_M..=MAX_RADIUS_M,
            bearing in 0.0f64..360.0,
            frac in 0.0f64..2.0,
            accuracy in 1.0f64..3000.0,
        ) {
            let fence = Fence::circle(Datum::Wgs84, center, radius).unwrap();
            let d = radius * frac;
            let here = offset(center, bearing, d);
            let gap = (radius - d).abs();
            // Skip the sliver where rounding decides.
            prop_assume!((gap - accuracy).abs() > 0.01);
            let v = fence.evaluate(&fix(here, accuracy, Datum::Wgs84));
            let expected = if accuracy > gap {
                FenceState::Uncertain
            } else if d < radius {
                FenceState::Inside
            } else {
                FenceState::Outside
            };
            prop_assert_eq!(v.state, expected);
        }

        #[test]
        fn a_position_in_the_hole_is_never_inside(
            bearing in 0.0f64..360.0,
            d in 0.0f64..80.0,
            accuracy in 0.1f64..1000.0,
        ) {
            let here = offset(site(), bearing, d);
            let v = square_with_hole().evaluate(&fix(here, accuracy, Datum::Wgs84));
            prop_assert_eq!(v.side, Side::Outside);
            prop_assert_ne!(v.state, FenceState::Inside);
        }

        #[test]
        fn converting_the_fix_makes_the_datum_irrelevant(
            wgs in in_china(),
            radius in MIN_RADIUS_M..=MAX_RADIUS_M,
        ) {
            let gcj = wgs84_to_gcj02(wgs);
            let on_gcj_map = Fence::circle(Datum::Gcj02, gcj, radius).unwrap();
            let on_wgs_map = Fence::circle(Datum::Wgs84, wgs, radius).unwrap();
            for f in [fix(wgs, 10.0, Datum::Wgs84), fix(gcj, 10.0, Datum::Gcj02)] {
                for fence in [&on_gcj_map, &on_wgs_map] {
                    let v = fence.evaluate(&f);
                    prop_assert_eq!(v.state, FenceState::Inside);
                    prop_assert!((v.boundary_distance_m - radius).abs() < 0.5);
                }
            }
        }

        #[test]
        fn several_fences_agree_with_the_best_single_fence(
            centers in proptest::collection::vec((0.0f64..360.0, 0.0f64..4000.0), 1..5),
            radius in MIN_RADIUS_M..=MAX_RADIUS_M,
            accuracy in 1.0f64..500.0,
        ) {
            let fences: Vec<Fence> = centers
                .iter()
                .map(|&(b, d)| Fence::circle(Datum::Wgs84, offset(site(), b, d), radius).unwrap())
                .collect();
            let f = fix(site(), accuracy, Datum::Wgs84);
            let v = evaluate_fences(&fences, &f).unwrap();
            let states: Vec<FenceState> = fences.iter().map(|x| x.evaluate(&f).state).collect();
            let expected = if states.contains(&FenceState::Inside) {
                FenceState::Inside
            } else if states.contains(&FenceState::Uncertain) {
                FenceState::Uncertain
            } else {
                FenceState::Outside
            };
            prop_assert_eq!(v.state, expected);
            prop_assert_eq!(states[v.fence_index], expected);
        }
    }
}
