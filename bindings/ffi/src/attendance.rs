//! Attendance through the FFI: the location and WiFi capabilities the shells
//! implement, and the views the check-in, history and day screens draw.
//! Every field is copied from the core's views; nothing is decided here.

use std::sync::Arc;

use laowu_core::app::{CheckInRequest, CheckInView, DayRow, HistoryRow, RawObservation, SiteRow};
use laowu_core::attendance::{self as core, RawReading};

use crate::{LaowuError, LaowuStore};

/// The datum a position is expressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MapDatum {
    /// GPS, Android's platform provider, CoreLocation.
    Wgs84,
    /// Amap and other Chinese map SDKs.
    Gcj02,
}

/// The source of a fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FixProvider {
    Gps,
    Network,
    Fused,
}

/// One location fix, as the platform reports it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LocationFix {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    pub datum: MapDatum,
    pub provider: FixProvider,
    /// The device's wall clock when the fix was taken, ms since the epoch.
    pub device_time_ms: i64,
    /// Time since boot when the fix was taken, ms (`elapsedRealtimeNanos / 1e6`).
    pub elapsed_ms: i64,
    /// `Location.isMock()` / `isFromMockProvider()` / `isSimulatedBySoftware`.
    pub mock: bool,
    pub speed_mps: Option<f64>,
}

/// One access point in a scan (iOS: the connected network only).
#[derive(Debug, Clone, uniffi::Record)]
pub struct WifiAccessPoint {
    pub bssid: String,
    pub ssid: String,
    pub rssi_dbm: i32,
}

/// The phone's location capability. The core calls it only while the
/// attendance grant stands, and records each call in the ledger.
#[uniffi::export(with_foreign)]
pub trait LocationProvider: Send + Sync {
    /// One fresh fix, or `None` (no signal, no OS permission).
    fn current_fix(&self) -> Option<LocationFix>;
}

/// The phone's WiFi capability, under the same rule.
#[uniffi::export(with_foreign)]
pub trait WifiScanner: Send + Sync {
    fn scan(&self) -> Vec<WifiAccessPoint>;
}

pub(crate) struct ForeignLocation(pub Arc<dyn LocationProvider>);
pub(crate) struct ForeignWifi(pub Arc<dyn WifiScanner>);

impl laowu_core::app::LocationSensor for ForeignLocation {
    fn current_fix(&self) -> Option<RawReading> {
        self.0.current_fix().map(|f| RawReading {
            lat: f.lat,
            lon: f.lon,
            accuracy_m: f.accuracy_m,
            datum: match f.datum {
                MapDatum::Wgs84 => core::Datum::Wgs84,
                MapDatum::Gcj02 => core::Datum::Gcj02,
            },
            provider: match f.provider {
                FixProvider::Gps => core::Provider::Gps,
                FixProvider::Network => core::Provider::Network,
                FixProvider::Fused => core::Provider::Fused,
            },
            device_time_ms: f.device_time_ms,
            elapsed_ms: f.elapsed_ms,
            mock: f.mock,
            speed_mps: f.speed_mps,
        })
    }
}

impl laowu_core::app::WifiSensor for ForeignWifi {
    fn scan(&self) -> Vec<RawObservation> {
        self.0
            .scan()
            .into_iter()
            .map(|ap| RawObservation {
                bssid: ap.bssid,
                ssid: ap.ssid,
                rssi_dbm: ap.rssi_dbm,
            })
            .collect()
    }
}

/// A reason, for the worker, in both languages.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CheckInReason {
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// A check-in, previewed or recorded.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CheckInResult {
    /// The record's id when submitted; `None` for a preview.
    pub record_id: Option<String>,
    pub site_id: String,
    pub site_name: String,
    /// normal, late, early_leave, field or rejected.
    pub verdict: String,
    /// inside, uncertain or outside.
    pub inside: String,
    pub distance_m: f64,
    pub outside_by_m: f64,
    pub wifi_matched: bool,
    /// mock_location, stale_fix, impossible_speed, clock_skew, poor_accuracy.
    pub anomalies: Vec<String>,
    pub punch: Option<String>,
    pub shift_date: Option<String>,
    pub timing: String,
    pub minutes: Option<u32>,
    pub at_ms: i64,
    pub time_source: String,
    pub needs_review: bool,
    pub reasons: Vec<CheckInReason>,
}

impl From<CheckInView> for CheckInResult {
    fn from(v: CheckInView) -> Self {
        CheckInResult {
            record_id: v.record_id,
            site_id: v.site_id,
            site_name: v.site_name,
            verdict: v.verdict.into(),
            inside: v.inside.into(),
            distance_m: v.distance_m,
            outside_by_m: v.outside_by_m,
            wifi_matched: v.wifi_matched,
            anomalies: v.anomalies.into_iter().map(String::from).collect(),
            punch: v.punch.map(String::from),
            shift_date: v.shift_date,
            timing: v.timing.into(),
            minutes: v.minutes,
            at_ms: v.at_ms,
            time_source: v.time_source.into(),
            needs_review: v.needs_review,
            reasons: v
                .reasons
                .into_iter()
                .map(|r| CheckInReason {
                    code: r.code.into(),
                    zh: r.zh,
                    en: r.en,
                })
                .collect(),
        }
    }
}

/// One row of the attendance history.
#[derive(Debug, Clone, uniffi::Record)]
pub struct AttendanceRow {
    pub record_id: String,
    pub seq: u64,
    /// checkin or makeup.
    pub kind: String,
    pub site_id: String,
    pub site_name: Option<String>,
    pub at_ms: i64,
    pub date: Option<String>,
    pub punch: Option<String>,
    pub verdict: String,
    pub inside: Option<String>,
    pub distance_band: Option<String>,
    pub wifi_matched: Option<bool>,
    pub anomalies: Vec<String>,
    pub timing: Option<String>,
    pub reason: Option<String>,
    /// none, pending, approved or rejected.
    pub review: String,
    pub note: Option<String>,
    pub fix_kept: bool,
}

impl From<HistoryRow> for AttendanceRow {
    fn from(r: HistoryRow) -> Self {
        AttendanceRow {
            record_id: r.record_id,
            seq: r.seq,
            kind: r.kind.into(),
            site_id: r.site_id,
            site_name: r.site_name,
            at_ms: r.at_ms,
            date: r.date,
            punch: r.punch.map(String::from),
            verdict: r.verdict.into(),
            inside: r.inside,
            distance_band: r.distance_band,
            wifi_matched: r.wifi_matched,
            anomalies: r.anomalies.into_iter().map(String::from).collect(),
            timing: r.timing.map(String::from),
            reason: r.reason,
            review: r.review.into(),
            note: r.note,
            fix_kept: r.fix_kept,
        }
    }
}

/// One day at a site.
#[derive(Debug, Clone, uniffi::Record)]
pub struct AttendanceDay {
    pub site_id: String,
    pub date: String,
    pub clock_in_ms: Option<i64>,
    pub clock_out_ms: Option<i64>,
    /// pending, missing_in, missing_out, late, early_leave or normal.
    pub status: String,
    pub made_up: bool,
}

impl From<DayRow> for AttendanceDay {
    fn from(d: DayRow) -> Self {
        AttendanceDay {
            site_id: d.site_id,
            date: d.date,
            clock_in_ms: d.clock_in_ms,
            clock_out_ms: d.clock_out_ms,
            status: d.status.into(),
            made_up: d.made_up,
        }
    }
}

/// A site on the phone.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SiteSummary {
    pub id: String,
    pub name: String,
    pub datum: String,
    pub rule: String,
    pub fences: u32,
    pub access_points: u32,
    pub time_zone: String,
}

impl From<SiteRow> for SiteSummary {
    fn from(s: SiteRow) -> Self {
        SiteSummary {
            id: s.id,
            name: s.name,
            datum: s.datum.into(),
            rule: s.rule.into(),
            fences: s.fences as u32,
            access_points: s.access_points as u32,
            time_zone: s.time_zone,
        }
    }
}

/// The attendance chain's check.
#[derive(Debug, Clone, uniffi::Record)]
pub struct AttendanceCheck {
    pub events: u64,
    pub intact: bool,
    pub problem: Option<String>,
}

fn now(device_ms: i64, elapsed_ms: i64) -> core::DeviceNow {
    core::DeviceNow {
        device_ms,
        elapsed_ms,
    }
}

fn parse_punch(punch: Option<String>) -> Result<Option<core::Punch>, LaowuError> {
    match punch.as_deref() {
        None => Ok(None),
        Some("in") => Ok(Some(core::Punch::In)),
        Some("out") => Ok(Some(core::Punch::Out)),
        Some(_) => Err(LaowuError::InvalidInput {
            field: "punch".into(),
            reason: "must be in or out".into(),
        }),
    }
}

#[uniffi::export]
impl LaowuStore {
    /// Adds a site from its JSON (as sync delivers it), or replaces the site
    /// with the same id.
    pub fn add_site(&self, json: String, at_ms: i64) -> Result<SiteSummary, LaowuError> {
        let spec = core::SiteSpec::from_json(&json).map_err(laowu_core::app::AppError::from)?;
        let site = self.phone.add_site(spec, at_ms)?;
        Ok(SiteRow::from(&site).into())
    }

    pub fn sites(&self) -> Result<Vec<SiteSummary>, LaowuError> {
        Ok(self
            .phone
            .sites()?
            .iter()
            .map(|s| SiteRow::from(s).into())
            .collect())
    }

    /// What a check-in would be, without recording it: the worker sees why
    /// it would be flagged before submitting. The sensor reads are ledger entries.
    #[allow(clippy::too_many_arguments)]
    pub fn preview_check_in(
        &self,
        site: Option<String>,
        reason: Option<String>,
        location: Arc<dyn LocationProvider>,
        wifi: Arc<dyn WifiScanner>,
        device_ms: i64,
        elapsed_ms: i64,
    ) -> Result<CheckInResult, LaowuError> {
        self.check_in_inner(site, reason, true, location, wifi, device_ms, elapsed_ms)
    }

    /// Checks in: `ConsentRequired` without the attendance grant; otherwise
    /// the evaluation, recorded signed and chained.
    #[allow(clippy::too_many_arguments)]
    pub fn check_in(
        &self,
        site: Option<String>,
        reason: Option<String>,
        location: Arc<dyn LocationProvider>,
        wifi: Arc<dyn WifiScanner>,
        device_ms: i64,
        elapsed_ms: i64,
    ) -> Result<CheckInResult, LaowuError> {
        self.check_in_inner(site, reason, false, location, wifi, device_ms, elapsed_ms)
    }

    /// Every attendance record, oldest first.
    pub fn attendance_history(&self) -> Result<Vec<AttendanceRow>, LaowuError> {
        Ok(self
            .phone
            .history()?
            .iter()
            .map(|h| HistoryRow::from(h).into())
            .collect())
    }

    /// The worker's days, with decisions applied.
    pub fn attendance_days(&self) -> Result<Vec<AttendanceDay>, LaowuError> {
        Ok(self
            .phone
            .days()?
            .iter()
            .map(|d| DayRow::from(d).into())
            .collect())
    }

    /// Files a make-up request for `date` (YYYY-MM-DD, the site's local date);
    /// `punch` is `in`, `out` or `None` for the missing one.
    pub fn request_makeup(
        &self,
        site: Option<String>,
        date: String,
        punch: Option<String>,
        reason: String,
        device_ms: i64,
        elapsed_ms: i64,
    ) -> Result<AttendanceRow, LaowuError> {
        let date: jiff::civil::Date = date.parse().map_err(|_| LaowuError::InvalidInput {
            field: "date".into(),
            reason: "must be a date written YYYY-MM-DD".into(),
        })?;
        let event = self.phone.request_makeup(
            site.as_deref(),
            date,
            parse_punch(punch)?,
            &reason,
            now(device_ms, elapsed_ms),
        )?;
        self.row(&event.id)
    }

    /// Applies a supervisor's decision (delivered by sync) on a field
    /// check-in or a make-up request.
    pub fn apply_decision(
        &self,
        record_id: String,
        approved: bool,
        note: Option<String>,
        at_ms: i64,
    ) -> Result<AttendanceRow, LaowuError> {
        self.phone
            .apply_decision(&record_id, approved, note.as_deref(), at_ms)?;
        self.row(&record_id)
    }

    /// Anchors trusted time: the server's time (from a verified time token)
    /// at the phone's current time since boot.
    pub fn set_time_anchor(&self, server_ms: i64, elapsed_ms: i64) -> Result<(), LaowuError> {
        Ok(self.phone.set_time_anchor(core::TimeAnchor {
            server_ms,
            elapsed_ms,
        })?)
    }

    /// Checks the server's signed time token (JSON) against the pinned server
    /// key (hex) and the nonce the request carried, and anchors trusted time.
    pub fn accept_time_token(
        &self,
        token_json: String,
        server_key_hex: String,
        nonce: String,
        elapsed_ms: i64,
    ) -> Result<(), LaowuError> {
        let invalid = |field: &str, reason: &str| LaowuError::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        };
        let token: laowu_protocol::TimeToken = serde_json::from_str(&token_json)
            .map_err(|_| invalid("time_token", "is not a time token"))?;
        let key = hex::decode(&server_key_hex)
            .map_err(|_| invalid("server_key", "is not hexadecimal"))?;
        self.phone
            .accept_time_token(&token, &key, &nonce, elapsed_ms)?;
        Ok(())
    }

    /// Verifies every attendance record's signature and link.
    pub fn verify_attendance(&self) -> Result<AttendanceCheck, LaowuError> {
        let r = self.phone.verify_attendance()?;
        Ok(AttendanceCheck {
            events: r.events,
            intact: r.problem.is_none(),
            problem: r.problem,
        })
    }

    /// Deletes raw coordinates past the retention period; returns how many.
    pub fn purge_expired_fixes(&self, now_ms: i64) -> Result<u64, LaowuError> {
        Ok(self.phone.purge_expired_fixes(now_ms)?)
    }
}

impl LaowuStore {
    #[allow(clippy::too_many_arguments)]
    fn check_in_inner(
        &self,
        site: Option<String>,
        reason: Option<String>,
        preview: bool,
        location: Arc<dyn LocationProvider>,
        wifi: Arc<dyn WifiScanner>,
        device_ms: i64,
        elapsed_ms: i64,
    ) -> Result<CheckInResult, LaowuError> {
        let request = CheckInRequest {
            site,
            reason,
            preview,
        };
        let done = self.phone.check_in(
            &request,
            &ForeignLocation(location),
            &ForeignWifi(wifi),
            now(device_ms, elapsed_ms),
        )?;
        Ok(CheckInView::from(&done).into())
    }

    fn row(&self, record_id: &str) -> Result<AttendanceRow, LaowuError> {
        self.phone
            .history()?
            .iter()
            .find(|h| h.event.id == record_id)
            .map(|h| HistoryRow::from(h).into())
            .ok_or(LaowuError::NotFound {
                what: "attendance record".into(),
            })
    }
}
