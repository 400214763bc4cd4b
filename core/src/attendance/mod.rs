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

mod clock;
mod coords;
mod datum;
mod evaluate;
mod fence;
mod makeup;
mod reading;
mod record;
pub mod shift;
mod site;
mod wifi;

use std::borrow::Cow;

pub use clock::{CLOCK_SKEW_LIMIT_MS, TimeAnchor, TimeSource, TrustedTime, anchor_from_token};
pub use coords::{Fix, LatLon};
pub use datum::{Datum, gcj02_to_wgs84, in_china_box, wgs84_to_gcj02};
pub use evaluate::{
    Anomaly, DeviceNow, Evaluation, Inputs, PriorCheckIn, PriorFix, Punch, Reason, Timing, Verdict,
    evaluate,
};
pub use fence::{
    Fence, FenceEvaluation, FenceState, FenceVerdict, MAX_POLYGON_VERTICES, MAX_RADIUS_M,
    MIN_RADIUS_M, Side, evaluate_fences,
};
pub use makeup::{MakeupRefusal, check_makeup};
pub use reading::{MAX_ACCURACY_M, Provider, RawReading, Reading};
pub use record::{
    ChainHead, ChainReport, CheckInBody, Event, EventBody, FixDetail, GENESIS_HASH, MakeupBody,
    distance_band, fence_state_str, verify_chain,
};
pub use site::{CheckRule, FenceSpec, MakeupRules, Point, Site, SiteSpec};
pub use wifi::{AccessPoint, Bssid, MAX_SCAN_ENTRIES, Observation, WifiMatch, match_scan};

/// Errors of the attendance room.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttendanceError {
    /// An input broke a rule. `field` names the input (`lat`, `lon`,
    /// `accuracy_m`, `fences[0].radius_m`, `wifi.bssid`, ...); `reason` says
    /// which rule, and never repeats the value.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        field: Cow<'static, str>,
        reason: String,
    },
}

impl AttendanceError {
    pub(crate) fn invalid(field: impl Into<Cow<'static, str>>, reason: impl Into<String>) -> Self {
        AttendanceError::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The name of the offending field.
    pub fn field(&self) -> &str {
        match self {
            AttendanceError::InvalidInput { field, .. } => field,
        }
    }

    /// The rule that was broken.
    pub fn reason(&self) -> &str {
        match self {
            AttendanceError::InvalidInput { reason, .. } => reason,
        }
    }
}

#[cfg(test)]
mod evaluate_tests;
