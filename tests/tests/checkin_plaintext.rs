//! Proof that check-ins keep their promise on disk: coordinates, accuracy,
//! BSSIDs, SSIDs, the worker's reasons and the check-in times never reach a
//! file of the store in clear, and withdrawing the attendance grant leaves
//! none of their sealed bytes either.

mod common;

use std::path::Path;

use common::{Marker, scan, vault};
use laowu_core::app::{CheckInRequest, LocationSensor, Phone, RawObservation, WifiSensor};
use laowu_core::attendance::{Datum, DeviceNow, Provider, RawReading, SiteSpec};
use laowu_core::consent::Policy;
use laowu_core::store::OpenMode;

const LAT: f64 = 26.647_123;
const LON: f64 = 106.630_456;
const BSSID: &str = "5c:63:bf:12:34:56";
const SSID: &str = "中建三局项目部";
const REASON: &str = "去花溪材料市场采购钢筋";
/// 2026-11-23 09:00:00.123 in Asia/Shanghai.
const AT_MS: i64 = 1_795_395_600_123;
const CHECK_INS: i64 = 40;

struct Fix(RawReading);
impl LocationSensor for Fix {
    fn current_fix(&self) -> Option<RawReading> {
        Some(self.0)
    }
}

struct Scan;
impl WifiSensor for Scan {
    fn scan(&self) -> Vec<RawObservation> {
        vec![RawObservation {
            bssid: BSSID.into(),
            ssid: SSID.into(),
            rssi_dbm: -61,
        }]
    }
}

fn markers() -> Vec<Marker> {
    let mut m = Vec::new();
    for (label, text) in [
        ("latitude", "26.647"),
        ("longitude", "106.630"),
        ("BSSID", BSSID),
        ("BSSID (upper case)", "5C:63:BF:12:34:56"),
        ("SSID", SSID),
        ("reason", REASON),
        ("check-in time ms", &AT_MS.to_string()[..10]),
    ] {
        m.extend(Marker::text_forms(label, text));
    }
    m
}

fn check_in_many(phone: &Phone) {
    for i in 0..CHECK_INS {
        let at = AT_MS + i * 60_000;
        let fix = Fix(RawReading {
            lat: LAT + i as f64 * 1e-6,
            lon: LON,
            accuracy_m: 12.5,
            datum: Datum::Wgs84,
            provider: Provider::Fused,
            device_time_ms: at,
            elapsed_ms: at,
            mock: false,
            speed_mps: Some(0.4),
        });
        let request = CheckInRequest {
            site: None,
            reason: (i % 2 == 1).then(|| REASON.to_string()),
            preview: false,
        };
        let now = DeviceNow {
            device_ms: at,
            elapsed_ms: at,
        };
        let done = phone.check_in(&request, &fix, &Scan, now).unwrap();
        assert!(done.event.is_some());
    }
}

fn assert_clear(dir: &Path, when: &str) {
    let hits = scan(dir, &markers());
    assert!(hits.is_empty(), "{when}: found in clear: {hits:?}");
}

#[test]
fn check_ins_never_reach_disk_in_clear_and_withdrawal_removes_them() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let phone = Phone::open(home, vault(home), OpenMode::Create, Policy::bundled()).unwrap();
    phone.accept_all(AT_MS - 1).unwrap();
    let mut spec = SiteSpec::circle(
        "gy-1".into(),
        "贵阳一号工地".into(),
        Datum::Wgs84,
        LAT,
        LON,
        300.0,
    );
    spec.wifi =
        vec![serde_json::from_value(serde_json::json!({"bssid": BSSID, "ssid": SSID})).unwrap()];
    phone.add_site(spec, AT_MS - 1).unwrap();

    check_in_many(&phone);
    let history = phone.history().unwrap();
    assert_eq!(history.len(), CHECK_INS as usize);
    assert!(phone.verify_attendance().unwrap().problem.is_none());
    assert_clear(home, "before a checkpoint");
    phone.store().checkpoint().unwrap();
    assert_clear(home, "after a checkpoint");

    // The site's own coordinates and access point are sealed too (same values).
    drop(phone);
    let phone = Phone::open(home, vault(home), OpenMode::Existing, Policy::bundled()).unwrap();
    assert_eq!(phone.history().unwrap().len(), CHECK_INS as usize);
    assert_clear(home, "after a reopen");

    let w = phone.withdraw("attendance", AT_MS + 3_600_000).unwrap();
    assert!(
        w.shredded
            .iter()
            .any(|(c, rows)| c.as_str() == "location" && *rows > 0)
    );
    assert!(phone.history().unwrap().is_empty());
    assert_clear(home, "after the withdrawal");
}
