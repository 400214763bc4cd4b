//! The evaluation of a check-in: where, when, with what evidence, and what
//! looks wrong, each with a reason the worker can read before submitting.
//!
//! Pure: the same inputs give the same evaluation, so the preview a worker
//! sees is exactly what the record will say.

use geo::{Distance, Haversine};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::clock::{TimeAnchor, TimeSource, TrustedTime};
use super::coords::LatLon;
use super::datum::Datum;
use super::fence::{Fence, FenceState, Side, evaluate_fences};
use super::reading::Reading;
use super::shift::{Direction, Placement, TimeVerdict};
use super::site::{CheckRule, Site};
use super::wifi::{Observation, match_scan};

/// Faster than this between two fixes (m/s, 360 km/h: above any train in
/// service) cannot be travelled on the ground.
const MAX_GROUND_SPEED_MPS: f64 = 100.0;
/// The shortest interval the speed check assumes between two fixes, ms. Two
/// fixes seconds apart carry jitter and multipath beyond their stated
/// accuracy; over a minute only a jump of more than 6 km is flagged.
const MIN_SPEED_INTERVAL_MS: i64 = 60_000;
/// A fix stamped this far in the future of the phone's monotonic clock was
/// not taken by this phone since boot.
const FUTURE_FIX_TOLERANCE_MS: i64 = 1_000;

/// The phone's two clocks at the moment of the check-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceNow {
    /// Wall clock, ms since the epoch (the user can change it).
    pub device_ms: i64,
    /// Time since boot, ms (monotonic).
    pub elapsed_ms: i64,
}

/// The previous check-in's fix, for the speed check (WGS-84).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PriorFix {
    pub position: LatLon,
    pub accuracy_m: f64,
    pub at_ms: i64,
    pub elapsed_ms: i64,
}

/// Clock-in or clock-out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Punch {
    In,
    Out,
}

/// An earlier accepted check-in at a site, to tell clock-in from clock-out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriorCheckIn {
    pub site_id: String,
    pub shift_date: Date,
    pub punch: Punch,
    pub at_ms: i64,
}

/// Something about a check-in that deserves a second look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anomaly {
    /// The OS flagged the position as coming from a mock provider.
    MockLocation,
    /// The fix is older than the site allows (or stamped in the future).
    StaleFix,
    /// Farther from the previous fix than anyone could travel in the time.
    ImpossibleSpeed,
    /// The device clock disagrees with trusted time by more than 5 minutes.
    ClockSkew,
    /// The accuracy circle is larger than the site allows.
    PoorAccuracy,
}

impl Anomaly {
    pub fn as_str(self) -> &'static str {
        match self {
            Anomaly::MockLocation => "mock_location",
            Anomaly::StaleFix => "stale_fix",
            Anomaly::ImpossibleSpeed => "impossible_speed",
            Anomaly::ClockSkew => "clock_skew",
            Anomaly::PoorAccuracy => "poor_accuracy",
        }
    }
}

/// The outcome of a check-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Normal,
    Late,
    EarlyLeave,
    /// A field check-in (外勤): away from the site, with the worker's reason,
    /// pending the supervisor's review.
    Field,
    Rejected,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Normal => "normal",
            Verdict::Late => "late",
            Verdict::EarlyLeave => "early_leave",
            Verdict::Field => "field",
            Verdict::Rejected => "rejected",
        }
    }

    /// Whether the check-in counts (a rejected one is kept as evidence only).
    pub fn accepted(self) -> bool {
        self != Verdict::Rejected
    }
}

/// The check-in's time against the shift.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Timing {
    OnTime,
    Late {
        minutes: u32,
    },
    EarlyLeave {
        minutes: u32,
    },
    /// Before the check-in window of the next shift opens.
    TooEarly {
        opens_ms: i64,
    },
    /// No shift near this time (a rest day, or long after the shift).
    NoShift,
}

/// One reason, with a stable code and text for the worker in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

fn reason(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Reason {
    Reason {
        code,
        zh: zh.into(),
        en: en.into(),
    }
}

/// Everything a check-in would be, before or after submitting it.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub site_id: String,
    pub at_ms: i64,
    pub time_source: TimeSource,
    pub inside: FenceState,
    /// Metres from the position to the deciding fence: to a circle's centre,
    /// or 0 inside a polygon and to its boundary outside.
    pub distance_m: f64,
    /// Metres outside the nearest fence's boundary (0 when the position is inside).
    pub outside_by_m: f64,
    pub wifi_matched: bool,
    pub anomalies: Vec<Anomaly>,
    pub punch: Option<Punch>,
    pub shift_date: Option<Date>,
    pub timing: Timing,
    pub verdict: Verdict,
    /// Why the verdict is what it is, and every flag raised, for the worker.
    pub reasons: Vec<Reason>,
    /// Whether a supervisor must look at it (field check-ins, anomalies).
    pub needs_review: bool,
}

/// What [`evaluate`] needs besides the site.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    pub reading: &'a Reading,
    pub scan: &'a [Observation],
    pub now: DeviceNow,
    pub anchor: Option<TimeAnchor>,
    pub previous: Option<&'a PriorFix>,
    /// Earlier accepted check-ins (any site; only this site's count).
    pub prior: &'a [PriorCheckIn],
    /// The worker's reason for a check-in away from the site (checked text).
    pub field_reason: Option<&'a str>,
}

/// Evaluates a check-in at `site`.
pub fn evaluate(site: &Site, input: Inputs<'_>) -> Evaluation {
    let reading = input.reading;
    let trusted = TrustedTime::now(input.anchor, input.now.device_ms, input.now.elapsed_ms);
    let mut anomalies = Vec::new();
    let mut reasons = Vec::new();

    // Evidence: the fences.
    let fences = evaluate_fences(site.fences(), &reading.fix)
        .expect("a checked site has at least one fence");
    let fence = &site.fences()[fences.fence_index];
    let here = reading.fix.position_in(fence.datum());
    let distance_m = match fence {
        Fence::Circle { center, .. } => Haversine.distance(center.to_point(), here.to_point()),
        Fence::Polygon { .. } => match fences.side {
            Side::Inside => 0.0,
            Side::Outside => fences.nearest_boundary_m,
        },
    };
    let outside_by_m = match fences.side {
        Side::Inside => 0.0,
        Side::Outside => fences.nearest_boundary_m,
    };

    // Evidence: WiFi, on BSSID only.
    let wifi = match_scan(site.access_points(), input.scan);

    // Anomalies.
    if reading.mock {
        anomalies.push(Anomaly::MockLocation);
        reasons.push(reason(
            "mock_location",
            "系统报告此位置来自模拟定位，打卡无效",
            "The phone reports this position as simulated; the check-in cannot count",
        ));
    }
    let age_ms = input.now.elapsed_ms - reading.elapsed_ms;
    let stale = age_ms > site.max_fix_age_ms() || age_ms < -FUTURE_FIX_TOLERANCE_MS;
    if stale {
        anomalies.push(Anomaly::StaleFix);
        reasons.push(reason(
            "stale_fix",
            format!(
                "定位结果已过时（超过 {} 秒），请重新定位",
                site.max_fix_age_ms() / 1000
            ),
            format!(
                "The location fix is older than {} seconds; take a new one",
                site.max_fix_age_ms() / 1000
            ),
        ));
    }
    if impossible_speed(reading, input.previous, input.now, trusted.now_ms) {
        anomalies.push(Anomaly::ImpossibleSpeed);
        reasons.push(reason(
            "impossible_speed",
            "与上次打卡的位置相距太远，短时间内无法到达，需主管核查",
            "Too far from the previous check-in to have travelled in the time; a supervisor will check",
        ));
    }
    if trusted.skewed() {
        anomalies.push(Anomaly::ClockSkew);
        reasons.push(reason(
            "clock_skew",
            "手机时间与服务器时间相差超过 5 分钟，已按可信时间记录，需主管核查",
            "The phone's clock is more than 5 minutes off; the trusted time is recorded and a supervisor will check",
        ));
    }
    if reading.fix.accuracy_m() > site.max_accuracy_m() {
        anomalies.push(Anomaly::PoorAccuracy);
        reasons.push(reason(
            "poor_accuracy",
            format!(
                "定位精度太低（超过 {:.0} 米），请到开阔处重新定位",
                site.max_accuracy_m()
            ),
            format!(
                "The fix is less accurate than {:.0} m; move into the open and try again",
                site.max_accuracy_m()
            ),
        ));
    }

    // A stale fix proves nothing about where the worker is now.
    let inside = !stale && fences.state == FenceState::Inside;
    let evidence = match site.rule() {
        CheckRule::Location => inside,
        CheckRule::Wifi => wifi.matched,
        CheckRule::Either => inside || wifi.matched,
        CheckRule::Both => inside && wifi.matched,
    };
    if !evidence {
        reasons.push(evidence_reason(site.rule(), fences.state, stale, &wifi));
    }

    // Time against the shift.
    let (punch, shift_date, timing) = place(site, trusted.now_ms, input.prior);
    match timing {
        Timing::Late { minutes } => reasons.push(reason(
            "late",
            format!("迟到 {minutes} 分钟"),
            format!("{minutes} minutes late"),
        )),
        Timing::EarlyLeave { minutes } => reasons.push(reason(
            "early_leave",
            format!("早退 {minutes} 分钟"),
            format!("Leaving {minutes} minutes early"),
        )),
        Timing::TooEarly { opens_ms } => {
            let opens = local_hm(site, opens_ms);
            reasons.push(reason(
                "too_early",
                format!("还未到打卡时间，{opens} 起可以打卡"),
                format!("Check-in opens at {opens}"),
            ))
        }
        Timing::NoShift if site.shift().is_some() => reasons.push(reason(
            "no_shift",
            "当前没有排班，记为排班外打卡",
            "No shift now; recorded as a check-in outside the schedule",
        )),
        Timing::NoShift => {}
        Timing::OnTime => {}
    }

    let verdict = if reading.mock || matches!(timing, Timing::TooEarly { .. }) {
        Verdict::Rejected
    } else if !evidence {
        match input.field_reason {
            Some(_) => {
                reasons.push(reason(
                    "field_pending",
                    "外勤打卡，等待主管审核",
                    "Field check-in, waiting for the supervisor's review",
                ));
                Verdict::Field
            }
            None => Verdict::Rejected,
        }
    } else {
        match timing {
            Timing::Late { .. } => Verdict::Late,
            Timing::EarlyLeave { .. } => Verdict::EarlyLeave,
            _ => Verdict::Normal,
        }
    };
    // Only where a reason would turn the check-in into a field check-in.
    let too_early = matches!(timing, Timing::TooEarly { .. });
    if verdict == Verdict::Rejected
        && !reading.mock
        && !too_early
        && !evidence
        && input.field_reason.is_none()
    {
        reasons.push(reason(
            "reason_required",
            "不在工地范围内：填写原因可提交外勤打卡，由主管审核",
            "Not at the site: give a reason to submit a field check-in for review",
        ));
    }
    let needs_review = verdict == Verdict::Field
        || (verdict.accepted()
            && anomalies.iter().any(|a| {
                matches!(
                    a,
                    Anomaly::ImpossibleSpeed | Anomaly::ClockSkew | Anomaly::PoorAccuracy
                )
            }));

    Evaluation {
        site_id: site.id().to_string(),
        at_ms: trusted.now_ms,
        time_source: trusted.source,
        inside: fences.state,
        distance_m,
        outside_by_m,
        wifi_matched: wifi.matched,
        anomalies,
        punch,
        shift_date,
        timing,
        verdict,
        reasons,
        needs_review,
    }
}

fn evidence_reason(
    rule: CheckRule,
    state: FenceState,
    stale: bool,
    wifi: &super::wifi::WifiMatch,
) -> Reason {
    let place = match state {
        _ if stale => (
            "定位已过时，不能证明您在工地范围内",
            "The fix is too old to show you are at the site",
        ),
        FenceState::Outside => ("不在工地范围内", "Outside the site"),
        FenceState::Uncertain => (
            "定位精度不足以确认在工地范围内",
            "The fix is not accurate enough to show you are at the site",
        ),
        FenceState::Inside => ("", ""),
    };
    let ssid = if wifi.ssid_only {
        (
            "；附近的 WiFi 名称与工地相同，但设备标识不符，不能作为依据",
            "; a WiFi network has the site's name but not its address, which does not count",
        )
    } else {
        ("", "")
    };
    match rule {
        CheckRule::Location => reason(
            "not_at_site",
            format!("{}{}", place.0, ssid.0),
            format!("{}{}", place.1, ssid.1),
        ),
        CheckRule::Wifi => reason(
            "wifi_not_matched",
            format!("未连接或扫描到工地 WiFi{}", ssid.0),
            format!("No site WiFi access point found{}", ssid.1),
        ),
        CheckRule::Either => reason(
            "not_at_site",
            format!("{}，也未扫描到工地 WiFi{}", place.0, ssid.0),
            format!("{} and no site WiFi access point found{}", place.1, ssid.1),
        ),
        CheckRule::Both if stale || state != FenceState::Inside => reason(
            "not_at_site",
            format!("{}{}", place.0, ssid.0),
            format!("{}{}", place.1, ssid.1),
        ),
        CheckRule::Both => reason(
            "wifi_not_matched",
            format!("本工地要求同时匹配工地 WiFi{}", ssid.0),
            format!("This site also needs its WiFi{}", ssid.1),
        ),
    }
}

fn impossible_speed(
    reading: &Reading,
    previous: Option<&PriorFix>,
    now: DeviceNow,
    now_ms: i64,
) -> bool {
    if reading.speed_mps.is_some_and(|s| s > MAX_GROUND_SPEED_MPS) {
        return true;
    }
    let Some(prev) = previous else {
        return false;
    };
    let here = reading.fix.position_in(Datum::Wgs84);
    let metres = Haversine.distance(prev.position.to_point(), here.to_point());
    // Only the distance beyond both accuracy circles must have been travelled.
    let travelled = (metres - prev.accuracy_m - reading.fix.accuracy_m()).max(0.0);
    if travelled == 0.0 {
        return false;
    }
    // The monotonic clock when both fixes come from this boot, else trusted time.
    let dt_ms = if now.elapsed_ms >= prev.elapsed_ms && reading.elapsed_ms >= prev.elapsed_ms {
        reading.elapsed_ms - prev.elapsed_ms
    } else {
        now_ms - prev.at_ms
    };
    let dt_ms = dt_ms.max(MIN_SPEED_INTERVAL_MS);
    travelled / (dt_ms as f64 / 1000.0) > MAX_GROUND_SPEED_MPS
}

/// The shift slot, clock-in or clock-out, and the timing.
fn place(site: &Site, at_ms: i64, prior: &[PriorCheckIn]) -> (Option<Punch>, Option<Date>, Timing) {
    let clock_in_on = |date: Date| {
        prior
            .iter()
            .filter(|p| p.site_id == site.id() && p.shift_date == date)
            .find(|p| p.punch == Punch::In)
            .map(|p| p.at_ms)
    };
    let placement = match site.shift() {
        Some(rules) => rules.place(site.time_zone(), at_ms),
        None => Placement::NoShift,
    };
    match placement {
        // Off the schedule, the local date is the day: first in, then out.
        Placement::NoShift => {
            let date = jiff::Timestamp::from_millisecond(at_ms)
                .map(|t| site.time_zone().to_datetime(t).date())
                .ok();
            let punch = match date.and_then(clock_in_on) {
                None => Punch::In,
                Some(_) => Punch::Out,
            };
            (Some(punch), date, Timing::NoShift)
        }
        Placement::TooEarly { slot } => (
            Some(Punch::In),
            Some(slot.date),
            Timing::TooEarly {
                opens_ms: slot.opens_ms,
            },
        ),
        Placement::Shift(slot) => {
            let clock_in = clock_in_on(slot.date);
            let (punch, direction) = match clock_in {
                None => (Punch::In, Direction::In),
                Some(t) => (
                    Punch::Out,
                    Direction::Out {
                        clock_in_ms: Some(t),
                    },
                ),
            };
            let rules = site.shift().expect("a slot comes from the site's shift");
            let timing = match rules.judge(&slot, at_ms, direction) {
                TimeVerdict::OnTime => Timing::OnTime,
                TimeVerdict::Late { minutes } => Timing::Late { minutes },
                TimeVerdict::EarlyLeave { minutes } => Timing::EarlyLeave { minutes },
            };
            (Some(punch), Some(slot.date), timing)
        }
    }
}

/// `HH:MM` in the site's time zone.
fn local_hm(site: &Site, ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            site.time_zone()
                .to_datetime(t)
                .strftime("%H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| "--:--".into())
}
