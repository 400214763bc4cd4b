//! Attendance: where a worker is when they check in.
//!
//! This room holds the pure rules; it owns no state and speaks neither SQL nor
//! HTTP. So far it has three parts:
//!
//! - coordinates: [`LatLon`] and [`Fix`], validated on construction, so that
//!   NaN, infinities and out-of-range values never reach the geometry;
//! - [`Datum`]: phones and map SDKs in mainland China report positions in
//!   GCJ-02, GPS chips and most of the world in WGS-84; a fix is always
//!   converted into the datum of the site before it is compared with a fence
//!   ([`wgs84_to_gcj02`], [`gcj02_to_wgs84`]);
//! - fences: a site's [`Fence`]s (circles and polygons with holes) and the
//!   evaluation of a fix against them ([`evaluate_fences`]), which takes the
//!   fix's accuracy into account and answers Inside, Outside or Uncertain.
//!
//! No error produced here carries a coordinate: positions are personal data,
//! so errors name the field and the rule that was broken, never the value.
//! For the same reason, the `Debug` output of [`LatLon`] and [`Fix`] is
//! redacted.

mod coords;
mod datum;
mod fence;

pub use coords::{Fix, LatLon};
pub use datum::{Datum, gcj02_to_wgs84, in_china_box, wgs84_to_gcj02};
pub use fence::{
    Fence, FenceEvaluation, FenceState, FenceVerdict, MAX_POLYGON_VERTICES, MAX_RADIUS_M,
    MIN_RADIUS_M, Side, evaluate_fences,
};

/// Errors of the attendance room.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttendanceError {
    /// An input broke a rule. `field` names the input (`lat`, `lon`,
    /// `accuracy_m`, `radius_m`, `polygon`, `fences`); `reason` says which
    /// rule, and never repeats the value.
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: &'static str, reason: String },
}

impl AttendanceError {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        AttendanceError::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    /// The name of the offending field.
    pub fn field(&self) -> &'static str {
        match self {
            AttendanceError::InvalidInput { field, .. } => field,
        }
    }
}
