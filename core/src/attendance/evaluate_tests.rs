//! Table tests of check-in evaluation: every anomaly and verdict.

use geo::{Destination, Haversine};
use jiff::civil::{Date, Weekday, date};
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use super::*;

/// The centre of the test site's circle fence (WGS-84, Guiyang).
const CENTRE: (f64, f64) = (26.6470, 106.6302);
const RADIUS_M: f64 = 300.0;
/// Monotonic clock of the phone when the fix is taken (an hour after boot).
const FIX_ELAPSED_MS: i64 = 3_600_000;
const KNOWN_BSSID: &str = "aa:bb:cc:00:00:01";

/// The base site: one 300 m circle, one access point, a 09:00-18:00 shift
/// every day with the default tolerances, everything else by default.
fn base_spec() -> Value {
    json!({
        "id": "gy-1",
        "name": "贵阳一号工地",
        "fences": [{"type": "circle", "lat": CENTRE.0, "lon": CENTRE.1, "radius_m": RADIUS_M}],
        "wifi": [{"bssid": "AA:BB:CC:00:00:01", "ssid": "工地"}],
        "shift": {"shift": {"type": "fixed", "start": "09:00", "end": "18:00"}},
    })
}

/// The base site with the top-level fields of `extra` replaced.
fn site_with(extra: Value) -> Site {
    let mut spec = base_spec();
    for (key, value) in extra.as_object().expect("an object").clone() {
        spec[key] = value;
    }
    Site::new(serde_json::from_value::<SiteSpec>(spec).expect("well-formed")).expect("valid site")
}

fn site() -> Site {
    site_with(json!({}))
}

fn shanghai() -> TimeZone {
    TimeZone::get("Asia/Shanghai").unwrap()
}

/// Milliseconds since the epoch of a wall-clock time in Shanghai.
fn at(day: Date, hour: i8, minute: i8) -> i64 {
    shanghai()
        .to_timestamp(day.at(hour, minute, 0, 0))
        .unwrap()
        .as_millisecond()
}

/// A Monday.
fn monday() -> Date {
    let d = date(2026, 11, 23);
    assert_eq!(d.weekday(), Weekday::Monday);
    d
}

/// The position `metres` from the fence's centre on `bearing` degrees.
fn from_centre(bearing: f64, metres: f64) -> (f64, f64) {
    offset(CENTRE, bearing, metres)
}

fn offset(from: (f64, f64), bearing: f64, metres: f64) -> (f64, f64) {
    let q = Haversine.destination(geo::Point::new(from.1, from.0), bearing, metres);
    (q.y(), q.x())
}

/// Latitude and longitude in degrees.
type Position = (f64, f64);

/// A scan as (BSSID, SSID) pairs.
type Scan<'a> = &'a [(&'a str, &'a str)];

fn scan(entries: Scan<'_>) -> Vec<Observation> {
    entries
        .iter()
        .map(|(bssid, ssid)| Observation::new(bssid, ssid, -60).unwrap())
        .collect()
}

/// Everything one check-in needs, owned, with the defaults of an honest
/// phone: a fresh 10 m fix at the fence's centre, no anchor, no history.
#[derive(Clone)]
struct Case {
    raw: RawReading,
    scan: Vec<Observation>,
    now: DeviceNow,
    anchor: Option<TimeAnchor>,
    previous: Option<PriorFix>,
    prior: Vec<PriorCheckIn>,
    field_reason: Option<&'static str>,
}

impl Case {
    fn at(now_ms: i64) -> Case {
        Case {
            raw: RawReading {
                lat: CENTRE.0,
                lon: CENTRE.1,
                accuracy_m: 10.0,
                datum: Datum::Wgs84,
                provider: Provider::Fused,
                device_time_ms: now_ms - 1_000,
                elapsed_ms: FIX_ELAPSED_MS,
                mock: false,
                speed_mps: None,
            },
            scan: Vec::new(),
            now: DeviceNow {
                device_ms: now_ms,
                elapsed_ms: FIX_ELAPSED_MS + 1_000,
            },
            anchor: None,
            previous: None,
            prior: Vec::new(),
            field_reason: None,
        }
    }

    /// At 08:55 on Monday: on time for the default shift.
    fn morning() -> Case {
        Case::at(at(monday(), 8, 55))
    }

    fn position(mut self, (lat, lon): (f64, f64)) -> Case {
        self.raw.lat = lat;
        self.raw.lon = lon;
        self
    }

    fn accuracy(mut self, metres: f64) -> Case {
        self.raw.accuracy_m = metres;
        self
    }

    fn scan(mut self, entries: Scan<'_>) -> Case {
        self.scan = scan(entries);
        self
    }

    fn run(&self, site: &Site) -> Evaluation {
        let reading = Reading::new(self.raw).expect("valid reading");
        evaluate(
            site,
            Inputs {
                reading: &reading,
                scan: &self.scan,
                now: self.now,
                anchor: self.anchor,
                previous: self.previous.as_ref(),
                prior: &self.prior,
                field_reason: self.field_reason,
            },
        )
    }
}

fn codes(e: &Evaluation) -> Vec<&'static str> {
    e.reasons.iter().map(|r| r.code).collect()
}

fn clock_in(day: Date, at_ms: i64) -> PriorCheckIn {
    PriorCheckIn {
        site_id: "gy-1".into(),
        shift_date: day,
        punch: Punch::In,
        at_ms,
    }
}

fn assert_close(actual: f64, expected: f64, tolerance: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: {actual} is not within {tolerance} of {expected}"
    );
}

// ---------------------------------------------------------------- verdicts

#[test]
fn inside_and_on_time_is_normal() {
    let e = Case::morning().run(&site());
    assert_eq!(e.verdict, Verdict::Normal);
    assert_eq!(e.timing, Timing::OnTime);
    assert_eq!(e.inside, FenceState::Inside);
    assert_eq!(e.punch, Some(Punch::In));
    assert_eq!(e.shift_date, Some(monday()));
    assert_eq!(e.site_id, "gy-1");
    assert_eq!(e.at_ms, at(monday(), 8, 55));
    assert_eq!(e.time_source, TimeSource::Device);
    assert!(e.anomalies.is_empty(), "{:?}", e.anomalies);
    assert!(e.reasons.is_empty(), "{:?}", e.reasons);
    assert!(!e.needs_review);
    assert!(e.verdict.accepted());
}

#[test]
fn late_counts_whole_minutes_past_the_grace() {
    let cases = [
        // (hour, minute, timing)
        (9, 5, Timing::OnTime),
        (9, 6, Timing::Late { minutes: 1 }),
        (9, 30, Timing::Late { minutes: 25 }),
    ];
    for (hour, minute, timing) in cases {
        let e = Case::at(at(monday(), hour, minute)).run(&site());
        assert_eq!(e.timing, timing, "{hour:02}:{minute:02}");
        assert_eq!(e.punch, Some(Punch::In));
        if timing == Timing::OnTime {
            assert_eq!(e.verdict, Verdict::Normal);
        } else {
            assert_eq!(e.verdict, Verdict::Late, "{hour:02}:{minute:02}");
            assert_eq!(codes(&e), ["late"]);
            assert!(!e.needs_review, "lateness alone needs no review");
        }
    }
}

#[test]
fn a_clock_out_before_the_end_is_an_early_leave() {
    let mut case = Case::at(at(monday(), 17, 50));
    case.prior = vec![clock_in(monday(), at(monday(), 8, 55))];
    let e = case.run(&site());
    assert_eq!(e.punch, Some(Punch::Out));
    assert_eq!(e.shift_date, Some(monday()));
    assert_eq!(e.timing, Timing::EarlyLeave { minutes: 5 });
    assert_eq!(e.verdict, Verdict::EarlyLeave);
    assert_eq!(codes(&e), ["early_leave"]);

    // At 17:55 (end minus grace) the clock-out is on time.
    case.now.device_ms = at(monday(), 17, 55);
    let e = case.run(&site());
    assert_eq!((e.punch, e.verdict), (Some(Punch::Out), Verdict::Normal));

    // A clock-in at another site, or on another day, does not make this a
    // clock-out: it is a (very late) clock-in.
    let mut other = case.clone();
    other.now.device_ms = at(monday(), 17, 50);
    other.prior[0].site_id = "elsewhere".into();
    let e = other.run(&site());
    assert_eq!(e.punch, Some(Punch::In));
    assert_eq!(e.verdict, Verdict::Late);
    other.prior[0].site_id = "gy-1".into();
    other.prior[0].shift_date = monday().yesterday().unwrap();
    assert_eq!(other.run(&site()).punch, Some(Punch::In));
}

#[test]
fn outside_with_a_reason_is_a_field_check_in_for_review() {
    let mut case = Case::morning().position(from_centre(90.0, 1_000.0));
    case.field_reason = Some("去建材市场取货");
    let e = case.run(&site());
    assert_eq!(e.inside, FenceState::Outside);
    assert_eq!(e.verdict, Verdict::Field);
    assert!(e.verdict.accepted());
    assert!(e.needs_review);
    assert_eq!(codes(&e), ["not_at_site", "field_pending"]);
    assert_eq!(e.timing, Timing::OnTime);
}

#[test]
fn outside_without_a_reason_is_rejected_asking_for_one() {
    let e = Case::morning()
        .position(from_centre(90.0, 1_000.0))
        .run(&site());
    assert_eq!(e.verdict, Verdict::Rejected);
    assert!(!e.verdict.accepted());
    assert!(!e.needs_review);
    assert_eq!(codes(&e), ["not_at_site", "reason_required"]);
}

#[test]
fn a_mock_location_is_rejected_even_inside_and_with_a_reason() {
    for field_reason in [None, Some("随便")] {
        let mut case = Case::morning();
        case.raw.mock = true;
        case.field_reason = field_reason;
        let e = case.run(&site());
        assert_eq!(e.inside, FenceState::Inside);
        assert_eq!(e.verdict, Verdict::Rejected, "{field_reason:?}");
        assert_eq!(e.anomalies, [Anomaly::MockLocation]);
        assert_eq!(codes(&e), ["mock_location"], "{field_reason:?}");
    }
}

#[test]
fn before_the_window_opens_is_rejected_as_too_early() {
    let e = Case::at(at(monday(), 6, 0)).run(&site());
    assert_eq!(
        e.timing,
        Timing::TooEarly {
            opens_ms: at(monday(), 7, 0)
        }
    );
    assert_eq!(e.verdict, Verdict::Rejected);
    assert_eq!(e.punch, Some(Punch::In));
    assert_eq!(e.shift_date, Some(monday()));
    assert_eq!(codes(&e), ["too_early"]);
    assert!(e.reasons[0].en.contains("07:00"), "{:?}", e.reasons[0]);
    assert!(e.reasons[0].zh.contains("07:00"), "{:?}", e.reasons[0]);

    // The window opens at 07:00 exactly.
    let e = Case::at(at(monday(), 7, 0)).run(&site());
    assert_eq!((e.timing, e.verdict), (Timing::OnTime, Verdict::Normal));
}

#[test]
fn too_early_and_outside_does_not_ask_for_a_reason_that_cannot_help() {
    let mut case = Case::at(at(monday(), 6, 0)).position(from_centre(90.0, 1_000.0));
    let e = case.run(&site());
    assert_eq!(e.verdict, Verdict::Rejected);
    assert!(codes(&e).contains(&"too_early"), "{:?}", e.reasons);
    // With the reason the advice asks for, the check-in is still rejected...
    case.field_reason = Some("送材料");
    assert_eq!(case.run(&site()).verdict, Verdict::Rejected);
    // ...so the advice must not be given.
    assert!(!codes(&e).contains(&"reason_required"), "{:?}", codes(&e));
}

#[test]
fn a_rest_day_has_no_shift_and_is_normal() {
    let site = site_with(json!({
        "shift": {"shift": {"type": "fixed", "start": "09:00", "end": "18:00", "weekdays": [1, 2, 3, 4, 5]}},
    }));
    let saturday = date(2026, 11, 28);
    assert_eq!(saturday.weekday(), Weekday::Saturday);
    let e = Case::at(at(saturday, 10, 0)).run(&site);
    assert_eq!(e.timing, Timing::NoShift);
    assert_eq!(e.verdict, Verdict::Normal);
    assert_eq!(e.punch, Some(Punch::In));
    assert_eq!(e.shift_date, Some(saturday));
    assert_eq!(codes(&e), ["no_shift"]);

    // A second punch that day is the clock-out.
    let mut case = Case::at(at(saturday, 15, 0));
    case.prior = vec![clock_in(saturday, at(saturday, 10, 0))];
    let e = case.run(&site);
    assert_eq!((e.punch, e.timing), (Some(Punch::Out), Timing::NoShift));

    // The same time on a Monday is a very late clock-in.
    assert_eq!(
        Case::at(at(monday(), 10, 0)).run(&site).verdict,
        Verdict::Late
    );
}

#[test]
fn a_site_without_a_shift_takes_every_check_in_as_on_schedule() {
    let mut spec = base_spec();
    spec.as_object_mut().unwrap().remove("shift");
    let site = Site::new(serde_json::from_value::<SiteSpec>(spec).unwrap()).unwrap();
    assert!(site.shift().is_none());
    for (hour, minute) in [(3, 0), (9, 30), (23, 59)] {
        let e = Case::at(at(monday(), hour, minute)).run(&site);
        assert_eq!(e.timing, Timing::NoShift, "{hour:02}:{minute:02}");
        assert_eq!(e.verdict, Verdict::Normal, "{hour:02}:{minute:02}");
        assert_eq!(e.shift_date, Some(monday()));
        assert!(e.reasons.is_empty(), "{:?}", e.reasons);
    }
}

// ---------------------------------------------------------- fence states

#[test]
fn fence_states_and_distances() {
    // (metres from the centre, accuracy, state, outside_by_m)
    let cases = [
        (0.0, 10.0, FenceState::Inside, 0.0),
        (250.0, 10.0, FenceState::Inside, 0.0),
        (250.0, 60.0, FenceState::Uncertain, 0.0),
        (295.0, 10.0, FenceState::Uncertain, 0.0),
        (310.0, 20.0, FenceState::Uncertain, 10.0),
        (320.0, 10.0, FenceState::Outside, 20.0),
        (1_000.0, 10.0, FenceState::Outside, 700.0),
    ];
    for (metres, accuracy, state, outside_by) in cases {
        let e = Case::morning()
            .position(from_centre(30.0, metres))
            .accuracy(accuracy)
            .run(&site());
        let what = format!("{metres} m, ±{accuracy} m");
        assert_eq!(e.inside, state, "{what}");
        assert_close(e.distance_m, metres, 0.01, &what);
        assert_close(e.outside_by_m, outside_by, 0.01, &what);
        if state == FenceState::Inside {
            assert_eq!(e.verdict, Verdict::Normal, "{what}");
        } else {
            assert_eq!(e.verdict, Verdict::Rejected, "{what}");
            assert_eq!(codes(&e), ["not_at_site", "reason_required"], "{what}");
        }
    }
}

#[test]
fn an_uncertain_fix_says_so() {
    let e = Case::morning()
        .position(from_centre(0.0, 295.0))
        .run(&site());
    assert_eq!(e.inside, FenceState::Uncertain);
    assert!(e.reasons[0].en.contains("not accurate enough"), "{e:?}");
}

#[test]
fn polygon_distances_are_to_the_boundary_and_a_hole_is_outside() {
    // A square of about 2.2 km with a hole of about 440 m in the middle.
    let site = site_with(json!({
        "fences": [{"type": "polygon",
            "exterior": [{"lat": 26.640, "lon": 106.620}, {"lat": 26.640, "lon": 106.640},
                         {"lat": 26.660, "lon": 106.640}, {"lat": 26.660, "lon": 106.620}],
            "holes": [[{"lat": 26.648, "lon": 106.628}, {"lat": 26.648, "lon": 106.632},
                       {"lat": 26.652, "lon": 106.632}, {"lat": 26.652, "lon": 106.628}]]}],
    }));
    let metres_per_degree = 6_371_008.8_f64.to_radians();

    // Between the hole and the outer ring: inside, distance 0.
    let e = Case::morning().position((26.644, 106.630)).run(&site);
    assert_eq!((e.inside, e.verdict), (FenceState::Inside, Verdict::Normal));
    assert_eq!((e.distance_m, e.outside_by_m), (0.0, 0.0));

    // In the middle of the hole: outside, 0.002° of longitude from the
    // hole's east and west edges (nearer than its north and south edges).
    let e = Case::morning().position((26.650, 106.630)).run(&site);
    assert_eq!(e.inside, FenceState::Outside);
    assert_eq!(e.verdict, Verdict::Rejected);
    let to_side = 0.002 * 26.650_f64.to_radians().cos() * metres_per_degree;
    assert_close(e.outside_by_m, to_side, 1.0, "hole");
    assert_close(e.distance_m, e.outside_by_m, 1e-9, "hole");

    // South of the square by 0.001°.
    let e = Case::morning().position((26.639, 106.630)).run(&site);
    assert_eq!(e.inside, FenceState::Outside);
    assert_close(e.outside_by_m, 0.001 * metres_per_degree, 1.0, "south");
}

// ------------------------------------------------------------------- WiFi

#[test]
fn a_known_bssid_is_enough_under_the_wifi_rule_even_outside() {
    let site = site_with(json!({"rule": "wifi"}));
    let e = Case::morning()
        .position(from_centre(90.0, 5_000.0))
        .scan(&[("11:22:33:44:55:66", "邻居"), ("AA-BB-CC-00-00-01", "")])
        .run(&site);
    assert_eq!(e.inside, FenceState::Outside);
    assert!(e.wifi_matched);
    assert_eq!(e.verdict, Verdict::Normal);
    assert!(e.reasons.is_empty(), "{:?}", e.reasons);
}

#[test]
fn the_site_ssid_alone_never_counts() {
    let site = site_with(json!({"rule": "wifi"}));
    let e = Case::morning()
        .scan(&[("11:22:33:44:55:66", "工地")])
        .run(&site);
    assert_eq!(e.inside, FenceState::Inside);
    assert!(!e.wifi_matched);
    assert_eq!(e.verdict, Verdict::Rejected);
    assert_eq!(codes(&e), ["wifi_not_matched", "reason_required"]);
    assert!(e.reasons[0].en.contains("does not count"), "{e:?}");

    // Nor under `either` when outside.
    let e = Case::morning()
        .position(from_centre(90.0, 1_000.0))
        .scan(&[("11:22:33:44:55:66", "工地")])
        .run(&self::site());
    assert!(!e.wifi_matched);
    assert_eq!(e.verdict, Verdict::Rejected);
}

#[test]
fn rule_both_needs_both() {
    let site = site_with(json!({"rule": "both"}));
    let far = from_centre(90.0, 1_000.0);
    let known = [(KNOWN_BSSID, "工地")];
    // (position, scan, verdict, first reason code)
    let cases: [(Position, Scan<'_>, Verdict, Option<&str>); 4] = [
        (CENTRE, &known, Verdict::Normal, None),
        (CENTRE, &[], Verdict::Rejected, Some("wifi_not_matched")),
        (far, &known, Verdict::Rejected, Some("not_at_site")),
        (far, &[], Verdict::Rejected, Some("not_at_site")),
    ];
    for (i, (position, entries, verdict, code)) in cases.into_iter().enumerate() {
        let e = Case::morning().position(position).scan(entries).run(&site);
        assert_eq!(e.verdict, verdict, "case {i}");
        assert_eq!(codes(&e).first().copied(), code, "case {i}");
    }
}

#[test]
fn rule_either_accepts_either() {
    let site = site_with(json!({"rule": "either"}));
    let far = from_centre(90.0, 1_000.0);
    let known = [(KNOWN_BSSID, "工地")];
    let cases: [(Position, Scan<'_>, Verdict); 4] = [
        (CENTRE, &known, Verdict::Normal),
        (CENTRE, &[], Verdict::Normal),
        (far, &known, Verdict::Normal),
        (far, &[], Verdict::Rejected),
    ];
    for (i, (position, entries, verdict)) in cases.into_iter().enumerate() {
        let e = Case::morning().position(position).scan(entries).run(&site);
        assert_eq!(e.verdict, verdict, "case {i}");
    }
}

#[test]
fn rule_location_ignores_wifi() {
    let site = site_with(json!({"rule": "location"}));
    let e = Case::morning()
        .position(from_centre(90.0, 1_000.0))
        .scan(&[(KNOWN_BSSID, "工地")])
        .run(&site);
    assert!(e.wifi_matched, "the match is still reported");
    assert_eq!(e.verdict, Verdict::Rejected);
    assert_eq!(codes(&e), ["not_at_site", "reason_required"]);

    let e = Case::morning().run(&site);
    assert!(!e.wifi_matched);
    assert_eq!(e.verdict, Verdict::Normal);
}

// -------------------------------------------------------------- anomalies

#[test]
fn a_fix_older_than_the_site_allows_is_stale() {
    // (age of the fix in ms, stale)
    for (age_ms, stale) in [(1_000, false), (120_000, false), (120_001, true)] {
        let mut case = Case::morning().position(from_centre(0.0, 100.0));
        case.now.elapsed_ms = FIX_ELAPSED_MS + age_ms;
        let e = case.run(&site());
        assert_eq!(
            e.anomalies.contains(&Anomaly::StaleFix),
            stale,
            "age {age_ms} ms"
        );
        assert_eq!(codes(&e).contains(&"stale_fix"), stale, "age {age_ms} ms");
        // A stale fix inside the fence proves nothing: no WiFi, so rejected.
        let verdict = if stale {
            Verdict::Rejected
        } else {
            Verdict::Normal
        };
        assert_eq!(e.verdict, verdict, "age {age_ms} ms");
    }
}

#[test]
fn a_stale_fix_inside_the_fence_does_not_count_as_inside() {
    for rule in ["location", "either", "both"] {
        let site = site_with(json!({"rule": rule}));
        let mut case = Case::morning().scan(&[(KNOWN_BSSID, "")]);
        case.now.elapsed_ms = FIX_ELAPSED_MS + 10 * 60_000;
        let e = case.run(&site);
        assert!(e.anomalies.contains(&Anomaly::StaleFix), "{rule}");
        let verdict = if rule == "either" {
            // The WiFi match still counts.
            Verdict::Normal
        } else {
            Verdict::Rejected
        };
        assert_eq!(e.verdict, verdict, "{rule}");
    }
    // With a reason it can still go in as a field check-in.
    let mut case = Case::morning();
    case.now.elapsed_ms = FIX_ELAPSED_MS + 10 * 60_000;
    case.field_reason = Some("定位慢");
    assert_eq!(case.run(&site()).verdict, Verdict::Field);
}

#[test]
fn the_reason_for_a_stale_fix_inside_the_fence_is_readable() {
    for rule in ["location", "either", "both"] {
        let site = site_with(json!({"rule": rule}));
        // Under `both` the site's WiFi is there; only the location is missing.
        let entries: Scan<'_> = if rule == "both" {
            &[(KNOWN_BSSID, "工地")]
        } else {
            &[]
        };
        let mut case = Case::morning().scan(entries);
        case.now.elapsed_ms = FIX_ELAPSED_MS + 10 * 60_000;
        let e = case.run(&site);
        assert_eq!(e.verdict, Verdict::Rejected, "{rule}");
        for r in &e.reasons {
            assert!(
                !r.zh.trim().is_empty() && !r.en.trim().is_empty(),
                "{rule}: {r:?}"
            );
            assert!(
                !r.zh.starts_with('，') && !r.en.starts_with(' '),
                "{rule}: {r:?}"
            );
        }
        if rule == "both" {
            assert!(e.wifi_matched);
            assert!(!codes(&e).contains(&"wifi_not_matched"), "{:?}", e.reasons);
        }
    }
}

#[test]
fn a_fix_stamped_in_the_future_of_the_monotonic_clock_is_stale() {
    // (how far the fix is ahead of the phone's monotonic clock, stale)
    for (ahead_ms, stale) in [(0, false), (1_000, false), (1_001, true), (60_000, true)] {
        let mut case = Case::morning();
        case.now.elapsed_ms = FIX_ELAPSED_MS - ahead_ms;
        let e = case.run(&site());
        assert_eq!(
            e.anomalies.contains(&Anomaly::StaleFix),
            stale,
            "{ahead_ms} ms ahead"
        );
        let verdict = if stale {
            Verdict::Rejected
        } else {
            Verdict::Normal
        };
        assert_eq!(e.verdict, verdict, "{ahead_ms} ms ahead");
    }
}

/// A previous fix `metres` north of the centre, taken `seconds` before the
/// current one on the same boot.
fn previous(case: &Case, metres: f64, seconds: i64) -> PriorFix {
    let (lat, lon) = from_centre(0.0, metres);
    PriorFix {
        position: LatLon::new(lat, lon).unwrap(),
        accuracy_m: 20.0,
        at_ms: case.now.device_ms - seconds * 1_000,
        elapsed_ms: case.raw.elapsed_ms - seconds * 1_000,
    }
}

#[test]
fn impossible_speed_between_two_fixes_is_flagged() {
    // (metres, seconds, flagged)
    let cases = [
        (50_000.0, 60, true),
        (50_000.0, 3_600, false),
        (5_000.0, 60, false),
        (7_000.0, 60, true),
        // Fixes seconds apart are judged as if a minute apart (jitter).
        (5_000.0, 5, false),
        // Within both accuracy circles: no travel at all, whatever the time.
        (25.0, 0, false),
    ];
    for (metres, seconds, flagged) in cases {
        let mut case = Case::morning();
        case.previous = Some(previous(&case, metres, seconds));
        let e = case.run(&site());
        let what = format!("{metres} m in {seconds} s");
        assert_eq!(
            e.anomalies.contains(&Anomaly::ImpossibleSpeed),
            flagged,
            "{what}"
        );
        // Accepted, but a supervisor must look.
        assert_eq!(e.verdict, Verdict::Normal, "{what}");
        assert_eq!(e.needs_review, flagged, "{what}");
    }
}

#[test]
fn impossible_speed_across_a_reboot_uses_trusted_time() {
    // The previous fix was taken before a reboot: its monotonic stamp is
    // larger than today's, so the wall-clock times are compared.
    for (seconds, flagged) in [(60, true), (3_600, false)] {
        let mut case = Case::morning();
        let mut prev = previous(&case, 50_000.0, seconds);
        prev.elapsed_ms = case.now.elapsed_ms + 1_000_000;
        case.previous = Some(prev);
        let e = case.run(&site());
        assert_eq!(
            e.anomalies.contains(&Anomaly::ImpossibleSpeed),
            flagged,
            "{seconds} s"
        );
    }
}

#[test]
fn a_reported_speed_over_the_limit_is_impossible() {
    for (speed, flagged) in [(150.0, true), (100.0, false), (30.0, false)] {
        let mut case = Case::morning();
        case.raw.speed_mps = Some(speed);
        let e = case.run(&site());
        assert_eq!(
            e.anomalies.contains(&Anomaly::ImpossibleSpeed),
            flagged,
            "{speed} m/s"
        );
        assert_eq!(codes(&e).contains(&"impossible_speed"), flagged);
        assert_eq!(e.needs_review, flagged);
    }
}

#[test]
fn trusted_time_is_the_anchor_carried_forward() {
    // Synced with the server ten minutes (of monotonic time) ago.
    let trusted = at(monday(), 8, 55);
    let anchored = |device_ms: i64| {
        let mut case = Case::at(device_ms);
        case.anchor = Some(TimeAnchor {
            server_ms: trusted - 600_000,
            elapsed_ms: case.now.elapsed_ms - 600_000,
        });
        case
    };

    // The device clock is 10 minutes fast: it would say 09:05 + 5 = late,
    // but trusted time says 08:55, on time; the skew is flagged.
    let e = anchored(trusted + 10 * 60_000).run(&site());
    assert_eq!(e.time_source, TimeSource::Server);
    assert_eq!(e.at_ms, trusted);
    assert_eq!(e.timing, Timing::OnTime);
    assert_eq!(e.anomalies, [Anomaly::ClockSkew]);
    assert_eq!(codes(&e), ["clock_skew"]);
    assert_eq!(e.verdict, Verdict::Normal);
    assert!(e.needs_review);

    // Ten minutes slow, likewise.
    let e = anchored(trusted - 10 * 60_000).run(&site());
    assert_eq!(e.anomalies, [Anomaly::ClockSkew]);

    // A minute off is not flagged.
    let e = anchored(trusted + 60_000).run(&site());
    assert_eq!(e.at_ms, trusted);
    assert_eq!(e.time_source, TimeSource::Server);
    assert!(e.anomalies.is_empty(), "{:?}", e.anomalies);
    assert!(!e.needs_review);
}

#[test]
fn after_a_reboot_the_device_clock_is_used_without_a_skew_check() {
    let device = at(monday(), 8, 55);
    let mut case = Case::at(device);
    // The anchor was taken on an earlier boot, later in its monotonic time,
    // and a day earlier than the device clock says.
    case.anchor = Some(TimeAnchor {
        server_ms: device - 86_400_000,
        elapsed_ms: case.now.elapsed_ms + 1,
    });
    let e = case.run(&site());
    assert_eq!(e.time_source, TimeSource::Device);
    assert_eq!(e.at_ms, device);
    assert!(!e.anomalies.contains(&Anomaly::ClockSkew), "{e:?}");
    assert_eq!(e.verdict, Verdict::Normal);

    // The same anchor one millisecond earlier on this boot is trusted, and
    // the day of difference is flagged.
    case.anchor = Some(TimeAnchor {
        server_ms: device - 86_400_000,
        elapsed_ms: case.now.elapsed_ms,
    });
    let e = case.run(&site());
    assert_eq!(e.time_source, TimeSource::Server);
    assert!(e.anomalies.contains(&Anomaly::ClockSkew));
}

#[test]
fn poor_accuracy_is_flagged_for_review() {
    for (accuracy, flagged) in [(100.0, false), (150.0, true)] {
        let e = Case::morning().accuracy(accuracy).run(&site());
        // 300 m from the edge: still inside with either accuracy.
        assert_eq!(e.inside, FenceState::Inside);
        assert_eq!(
            e.anomalies.contains(&Anomaly::PoorAccuracy),
            flagged,
            "±{accuracy} m"
        );
        assert_eq!(codes(&e).contains(&"poor_accuracy"), flagged);
        assert_eq!(e.verdict, Verdict::Normal);
        assert_eq!(e.needs_review, flagged);
    }
    // The site's own limit applies.
    let strict = site_with(json!({"max_accuracy_m": 30.0}));
    let e = Case::morning().accuracy(50.0).run(&strict);
    assert_eq!(e.anomalies, [Anomaly::PoorAccuracy]);
    assert!(e.reasons[0].en.contains("30 m"), "{:?}", e.reasons);
}

#[test]
fn anomalies_are_listed_in_a_stable_order() {
    let mut case = Case::morning().accuracy(150.0);
    case.raw.mock = true;
    case.raw.speed_mps = Some(200.0);
    case.now.elapsed_ms = FIX_ELAPSED_MS + 3_600_000;
    case.anchor = Some(TimeAnchor {
        server_ms: case.now.device_ms - 3_600_000,
        elapsed_ms: case.now.elapsed_ms,
    });
    let e = case.run(&site());
    assert_eq!(
        e.anomalies,
        [
            Anomaly::MockLocation,
            Anomaly::StaleFix,
            Anomaly::ImpossibleSpeed,
            Anomaly::ClockSkew,
            Anomaly::PoorAccuracy,
        ]
    );
    assert_eq!(e.verdict, Verdict::Rejected);
    // A rejected check-in is evidence only; nothing to review.
    assert!(!e.needs_review);
}

// ---------------------------------------------------- shifts over midnight

#[test]
fn a_night_shift_belongs_to_the_date_it_starts() {
    let site = site_with(json!({
        "shift": {"shift": {"type": "fixed", "start": "22:00", "end": "06:00"}},
    }));
    let day = monday();
    let next = day.tomorrow().unwrap();

    let e = Case::at(at(day, 21, 55)).run(&site);
    assert_eq!((e.punch, e.shift_date), (Some(Punch::In), Some(day)));
    assert_eq!((e.timing, e.verdict), (Timing::OnTime, Verdict::Normal));

    let e = Case::at(at(day, 22, 6)).run(&site);
    assert_eq!((e.punch, e.shift_date), (Some(Punch::In), Some(day)));
    assert_eq!(e.timing, Timing::Late { minutes: 1 });
    assert_eq!(e.verdict, Verdict::Late);

    // Next morning, with the clock-in recorded: the previous date's shift.
    let mut case = Case::at(at(next, 5, 50));
    case.prior = vec![clock_in(day, at(day, 21, 55))];
    let e = case.run(&site);
    assert_eq!((e.punch, e.shift_date), (Some(Punch::Out), Some(day)));
    assert_eq!(e.timing, Timing::EarlyLeave { minutes: 5 });
    assert_eq!(e.verdict, Verdict::EarlyLeave);

    case.now.device_ms = at(next, 6, 0);
    let e = case.run(&site);
    assert_eq!((e.punch, e.shift_date), (Some(Punch::Out), Some(day)));
    assert_eq!((e.timing, e.verdict), (Timing::OnTime, Verdict::Normal));

    // That evening the next shift starts afresh.
    let mut case = Case::at(at(next, 21, 58));
    case.prior = vec![clock_in(day, at(day, 21, 55))];
    let e = case.run(&site);
    assert_eq!((e.punch, e.shift_date), (Some(Punch::In), Some(next)));
    assert_eq!(e.timing, Timing::OnTime);
}

// ------------------------------------------------------------------ datum

#[test]
fn a_wgs84_fix_is_compared_with_a_gcj02_site_in_the_site_datum() {
    let truth = LatLon::new(CENTRE.0, CENTRE.1).unwrap();
    let mars = wgs84_to_gcj02(truth);
    // The offset is hundreds of metres: enough to leave a 100 m fence.
    let site = |datum: &str| {
        site_with(json!({
            "datum": datum,
            "fences": [{"type": "circle", "lat": mars.lat(), "lon": mars.lon(), "radius_m": 100.0}],
        }))
    };

    let e = Case::morning().run(&site("gcj02"));
    assert_eq!(e.inside, FenceState::Inside);
    assert!(e.distance_m < 1.0, "{} m", e.distance_m);
    assert_eq!(e.verdict, Verdict::Normal);

    // The same fix in GCJ-02 coordinates is the same point.
    let mut case = Case::morning().position((mars.lat(), mars.lon()));
    case.raw.datum = Datum::Gcj02;
    let e = case.run(&site("gcj02"));
    assert_eq!(e.inside, FenceState::Inside);
    assert!(e.distance_m < 1e-6, "{} m", e.distance_m);

    // Had the site been taken as WGS-84, the same fix would be outside.
    let e = Case::morning().run(&site("wgs84"));
    assert_eq!(e.inside, FenceState::Outside);
    assert!(e.distance_m > 200.0, "{} m", e.distance_m);
}

// ---------------------------------------------------------------- privacy

#[test]
fn no_reason_and_no_debug_output_carries_a_coordinate() {
    let (lat, lon) = from_centre(123.0, 1_234.5);
    let (prev_lat, prev_lon) = from_centre(45.0, 60_000.0);
    let needles = [
        format!("{lat:.4}"),
        format!("{lon:.4}"),
        format!("{prev_lat:.4}"),
        format!("{prev_lon:.4}"),
        format!("{:.4}", CENTRE.0),
        format!("{:.4}", CENTRE.1),
    ];

    let base = || {
        let mut case = Case::morning().position((lat, lon)).accuracy(150.0);
        case.previous = Some(previous(&case, 0.0, 30));
        let prev = case.previous.as_mut().unwrap();
        prev.position = LatLon::new(prev_lat, prev_lon).unwrap();
        case.anchor = Some(TimeAnchor {
            server_ms: case.now.device_ms - 3_600_000,
            elapsed_ms: case.now.elapsed_ms,
        });
        case
    };
    let mut cases = vec![base()];
    let mut c = base();
    c.field_reason = Some("送材料");
    cases.push(c);
    let mut c = base();
    c.raw.mock = true;
    cases.push(c);
    let mut c = base();
    c.now.elapsed_ms += 600_000;
    cases.push(c);
    let mut c = base().scan(&[("11:22:33:44:55:66", "工地")]);
    c.now.device_ms = at(monday(), 6, 0);
    c.anchor = None;
    cases.push(c);

    for (i, case) in cases.iter().enumerate() {
        let e = case.run(&site());
        assert!(!e.reasons.is_empty(), "case {i}");
        let mut texts: Vec<String> = e
            .reasons
            .iter()
            .flat_map(|r| [r.zh.clone(), r.en.clone()])
            .collect();
        texts.push(format!("{e:?}"));
        texts.push(format!("{e:#?}"));
        for text in &texts {
            for needle in &needles {
                assert!(
                    !text.contains(needle.as_str()),
                    "case {i}: {needle} in {text}"
                );
            }
        }
    }
}
