//! Sites: where workers check in, and the rules each site sets.
//!
//! A site arrives as a [`SiteSpec`] (from sync, or typed in on the CLI) and is
//! checked into a [`Site`] before any fix is compared with it.

use geo::{LineString, Polygon};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::AttendanceError;
use super::coords::LatLon;
use super::datum::Datum;
use super::fence::Fence;
use super::shift::{DEFAULT_TIME_ZONE, ShiftRules, parse_time_zone};
use super::wifi::{AccessPoint, check_ssid};

/// The most fences one site may have.
pub const MAX_FENCES: usize = 32;
/// The most access points one site may list.
pub const MAX_ACCESS_POINTS: usize = 256;
const MAX_NAME_CHARS: usize = 64;

/// A position in a site file: named fields, so latitude and longitude cannot
/// be swapped by accident.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

/// A fence as written in a site file, in the site's datum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FenceSpec {
    Circle {
        lat: f64,
        lon: f64,
        radius_m: f64,
    },
    Polygon {
        exterior: Vec<Point>,
        #[serde(default)]
        holes: Vec<Vec<Point>>,
    },
}

/// Which evidence a check-in needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckRule {
    /// Inside a fence.
    Location,
    /// A known access point's BSSID in the scan.
    Wifi,
    /// Either one (with no access points listed, this is `location`).
    #[default]
    Either,
    /// Both.
    Both,
}

impl CheckRule {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckRule::Location => "location",
            CheckRule::Wifi => "wifi",
            CheckRule::Either => "either",
            CheckRule::Both => "both",
        }
    }
}

/// How many make-up requests (补卡) a worker may file and how late.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MakeupRules {
    /// Requests per calendar month (rejected ones do not count); 0 disables them.
    pub quota_per_month: u32,
    /// How many days after the day a request may still be filed.
    pub deadline_days: u32,
}

impl Default for MakeupRules {
    fn default() -> Self {
        MakeupRules {
            quota_per_month: 3,
            deadline_days: 7,
        }
    }
}

/// A site as delivered by sync or typed in, before checking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSpec {
    /// Stable id; lowercase letters, digits, `-` and `_`; up to 64 characters.
    pub id: String,
    pub name: String,
    #[serde(default = "default_datum")]
    pub datum: Datum,
    pub fences: Vec<FenceSpec>,
    #[serde(default)]
    pub wifi: Vec<AccessPoint>,
    #[serde(default)]
    pub rule: CheckRule,
    /// Working hours; `None` (the default): no schedule, every check-in is on time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<ShiftRules>,
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    /// The oldest fix accepted, in seconds.
    #[serde(default = "default_max_fix_age_s")]
    pub max_fix_age_s: u32,
    /// Accuracy worse than this (metres) is flagged `poor_accuracy`.
    #[serde(default = "default_max_accuracy_m")]
    pub max_accuracy_m: f64,
    #[serde(default)]
    pub makeup: MakeupRules,
}

/// WGS-84 unless the site says otherwise: what a GPS chip reports, and the
/// same default the CLI uses for fixes, so an unmarked site and an unmarked
/// fix never disagree by the GCJ-02 offset.
fn default_datum() -> Datum {
    Datum::Wgs84
}
fn default_time_zone() -> String {
    DEFAULT_TIME_ZONE.to_string()
}
fn default_max_fix_age_s() -> u32 {
    120
}
fn default_max_accuracy_m() -> f64 {
    100.0
}

impl SiteSpec {
    /// A site with one circle fence and every other setting at its default.
    pub fn circle(
        id: String,
        name: String,
        datum: Datum,
        lat: f64,
        lon: f64,
        radius_m: f64,
    ) -> Self {
        SiteSpec {
            id,
            name,
            datum,
            fences: vec![FenceSpec::Circle { lat, lon, radius_m }],
            wifi: Vec::new(),
            rule: CheckRule::default(),
            shift: None,
            time_zone: default_time_zone(),
            max_fix_age_s: default_max_fix_age_s(),
            max_accuracy_m: default_max_accuracy_m(),
            makeup: MakeupRules::default(),
        }
    }

    /// Reads a site from JSON. A site is the employer's data, not personal,
    /// so the parser's message (which may quote a value) is passed on.
    pub fn from_json(json: &str) -> Result<Self, AttendanceError> {
        serde_json::from_str(json)
            .map_err(|e| AttendanceError::invalid("site", format!("is not a valid site: {e}")))
    }
}

/// A checked site, ready for evaluation.
#[derive(Clone, Debug)]
pub struct Site {
    spec: SiteSpec,
    fences: Vec<Fence>,
    tz: TimeZone,
}

impl Site {
    /// Checks a spec. Errors name the field (`fences[2].radius_m`,
    /// `wifi[0].bssid`, `shift.weekdays`, ...) and never repeat a coordinate.
    pub fn new(spec: SiteSpec) -> Result<Self, AttendanceError> {
        check_id(&spec.id)?;
        check_name(&spec.name)?;
        if spec.fences.is_empty() {
            return Err(AttendanceError::invalid(
                "fences",
                "a site needs at least one fence",
            ));
        }
        if spec.fences.len() > MAX_FENCES {
            return Err(AttendanceError::invalid(
                "fences",
                format!("a site has at most {MAX_FENCES} fences"),
            ));
        }
        let fences = spec
            .fences
            .iter()
            .enumerate()
            .map(|(i, f)| build_fence(spec.datum, f).map_err(|e| nest("fences", i, e)))
            .collect::<Result<Vec<_>, _>>()?;
        if spec.wifi.len() > MAX_ACCESS_POINTS {
            return Err(AttendanceError::invalid(
                "wifi",
                format!("a site lists at most {MAX_ACCESS_POINTS} access points"),
            ));
        }
        for (i, ap) in spec.wifi.iter().enumerate() {
            check_ssid("ssid", &ap.ssid).map_err(|e| nest("wifi", i, e))?;
            if spec.wifi[..i].iter().any(|other| other.bssid == ap.bssid) {
                return Err(nest(
                    "wifi",
                    i,
                    AttendanceError::invalid("bssid", "is listed twice"),
                ));
            }
        }
        if spec.wifi.is_empty() && matches!(spec.rule, CheckRule::Wifi | CheckRule::Both) {
            return Err(AttendanceError::invalid(
                "rule",
                "needs at least one access point in wifi",
            ));
        }
        if let Some(shift) = &spec.shift {
            shift.validate()?;
        }
        let tz = parse_time_zone(&spec.time_zone)?;
        if !(10..=3600).contains(&spec.max_fix_age_s) {
            return Err(AttendanceError::invalid(
                "max_fix_age_s",
                "must be between 10 and 3600 seconds",
            ));
        }
        if !(spec.max_accuracy_m.is_finite() && (10.0..=1000.0).contains(&spec.max_accuracy_m)) {
            return Err(AttendanceError::invalid(
                "max_accuracy_m",
                "must be between 10 and 1000 metres",
            ));
        }
        if spec.makeup.deadline_days > 90 {
            return Err(AttendanceError::invalid(
                "makeup.deadline_days",
                "must be at most 90 days",
            ));
        }
        if spec.makeup.quota_per_month > 31 {
            return Err(AttendanceError::invalid(
                "makeup.quota_per_month",
                "must be at most 31",
            ));
        }
        Ok(Site { spec, fences, tz })
    }

    pub fn spec(&self) -> &SiteSpec {
        &self.spec
    }
    pub fn id(&self) -> &str {
        &self.spec.id
    }
    pub fn name(&self) -> &str {
        &self.spec.name
    }
    pub fn fences(&self) -> &[Fence] {
        &self.fences
    }
    pub fn access_points(&self) -> &[AccessPoint] {
        &self.spec.wifi
    }
    pub fn rule(&self) -> CheckRule {
        self.spec.rule
    }
    pub fn shift(&self) -> Option<&ShiftRules> {
        self.spec.shift.as_ref()
    }
    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }
    pub fn max_fix_age_ms(&self) -> i64 {
        i64::from(self.spec.max_fix_age_s) * 1000
    }
    pub fn max_accuracy_m(&self) -> f64 {
        self.spec.max_accuracy_m
    }
    pub fn makeup(&self) -> MakeupRules {
        self.spec.makeup
    }
}

/// Prefixes an error's field with `outer[i].`.
fn nest(outer: &'static str, i: usize, e: AttendanceError) -> AttendanceError {
    let AttendanceError::InvalidInput { field, reason } = e;
    AttendanceError::invalid(format!("{outer}[{i}].{field}"), reason)
}

fn check_id(id: &str) -> Result<(), AttendanceError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(AttendanceError::invalid(
            "id",
            "must be 1 to 64 characters of a-z, 0-9, '-' and '_'",
        ))
    }
}

fn check_name(name: &str) -> Result<(), AttendanceError> {
    let chars = name.chars().count();
    if name.trim().is_empty() || chars > MAX_NAME_CHARS {
        return Err(AttendanceError::invalid(
            "name",
            format!("must be 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AttendanceError::invalid(
            "name",
            "must not contain control characters",
        ));
    }
    Ok(())
}

fn build_fence(datum: Datum, spec: &FenceSpec) -> Result<Fence, AttendanceError> {
    match spec {
        FenceSpec::Circle { lat, lon, radius_m } => {
            Fence::circle(datum, LatLon::new(*lat, *lon)?, *radius_m)
        }
        FenceSpec::Polygon { exterior, holes } => {
            let exterior = ring(exterior)?;
            let holes = holes.iter().map(|h| ring(h)).collect::<Result<_, _>>()?;
            Fence::polygon(datum, Polygon::new(exterior, holes))
        }
    }
}

fn ring(points: &[Point]) -> Result<LineString<f64>, AttendanceError> {
    points
        .iter()
        .map(|p| LatLon::new(p.lat, p.lon).map(|ll| (ll.lon(), ll.lat())))
        .collect::<Result<Vec<_>, _>>()
        .map(LineString::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn spec_json() -> serde_json::Value {
        serde_json::json!({
            "id": "gy-1",
            "name": "贵阳一号工地",
            "datum": "gcj02",
            "fences": [{"type": "circle", "lat": 26.6470, "lon": 106.6302, "radius_m": 300.0}],
            "wifi": [{"bssid": "AA:BB:CC:00:00:01", "ssid": "工地"}],
        })
    }

    fn site(v: serde_json::Value) -> Result<Site, AttendanceError> {
        Site::new(serde_json::from_value(v).expect("well-formed"))
    }

    #[test]
    fn defaults_fill_a_minimal_spec() {
        let s = site(spec_json()).unwrap();
        assert_eq!(s.rule(), CheckRule::Either);
        assert_eq!(s.spec().time_zone, "Asia/Shanghai");
        assert_eq!(s.max_fix_age_ms(), 120_000);
        assert_eq!(s.makeup(), MakeupRules::default());
        assert_eq!(s.access_points()[0].bssid.as_str(), "aa:bb:cc:00:00:01");
    }

    #[test]
    fn errors_name_the_nested_field() {
        type Spoil = fn(&mut serde_json::Value);
        let cases: [(&str, Spoil); 9] = [
            ("fences[0].radius_m", |v| {
                v["fences"][0]["radius_m"] = 50.0.into()
            }),
            ("fences[0].lat", |v| v["fences"][0]["lat"] = 95.0.into()),
            ("fences", |v| v["fences"] = serde_json::json!([])),
            (
                "wifi[1].bssid",
                |v| v["wifi"] = serde_json::json!([{"bssid": "aa:bb:cc:00:00:01"}, {"bssid": "AA-BB-CC-00-00-01"}]),
            ),
            ("rule", |v| {
                v["wifi"] = serde_json::json!([]);
                v["rule"] = "both".into();
            }),
            ("time_zone", |v| v["time_zone"] = "Mars/Olympus".into()),
            ("max_fix_age_s", |v| v["max_fix_age_s"] = 5.into()),
            ("name", |v| v["name"] = "".into()),
            ("id", |v| v["id"] = "Bad Id".into()),
        ];
        for (field, spoil) in cases {
            let mut v = spec_json();
            spoil(&mut v);
            assert_eq!(site(v).unwrap_err().field(), field);
        }
    }

    #[test]
    fn a_self_intersecting_polygon_is_refused() {
        let mut v = spec_json();
        v["fences"] = serde_json::json!([{"type": "polygon", "exterior": [
            {"lat": 26.640, "lon": 106.620}, {"lat": 26.650, "lon": 106.630},
            {"lat": 26.640, "lon": 106.630}, {"lat": 26.650, "lon": 106.620},
            {"lat": 26.640, "lon": 106.620}]}]);
        assert_eq!(site(v).unwrap_err().field(), "fences[0].polygon");
    }

    #[test]
    fn a_polygon_with_a_hole_is_accepted() {
        let mut v = spec_json();
        v["fences"] = serde_json::json!([{"type": "polygon",
            "exterior": [{"lat": 26.640, "lon": 106.620}, {"lat": 26.640, "lon": 106.640},
                         {"lat": 26.650, "lon": 106.640}, {"lat": 26.650, "lon": 106.620}],
            "holes": [[{"lat": 26.644, "lon": 106.628}, {"lat": 26.644, "lon": 106.632},
                       {"lat": 26.646, "lon": 106.632}, {"lat": 26.646, "lon": 106.628}]]}]);
        assert_eq!(site(v).unwrap().fences().len(), 1);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let mut v = spec_json();
        v["radius"] = 5.into();
        assert!(serde_json::from_value::<SiteSpec>(v).is_err());
    }
}
